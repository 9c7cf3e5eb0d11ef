using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Alerting.Alerts;

public sealed class AlertStoreTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private static Alert A(string name, int start, int? end, string annotation = "") => new()
    {
        Labels = LabelSet.FromStrings("alertname", name),
        Annotations = annotation.Length == 0 ? LabelSet.Empty : LabelSet.FromStrings("summary", annotation),
        StartsAt = T0.AddSeconds(start),
        EndsAt = end is { } e ? T0.AddSeconds(e) : null,
        UpdatedAt = T0.AddSeconds(start),
        GeneratorUrl = "http://x/graph",
    };

    [Fact]
    public void CollectResolved_removes_only_resolved_alerts()
    {
        var store = new AlertStore();
        store.Put([A("firing", 0, 600), A("resolved", 0, 50), A("ends-now", 0, 100)], T0);
        var removed = store.CollectResolved(T0.AddSeconds(100));
        Assert.Equal(["ends-now", "resolved"], removed.Select(a => a.Labels.Get("alertname")).Order(StringComparer.Ordinal));
        Assert.Equal("firing", Assert.Single(store.List()).Labels.Get("alertname"));
    }

    [Fact]
    public async Task Subscribers_get_the_stored_alerts_then_each_put()
    {
        var store = new AlertStore();
        store.Put([A("before", 0, 600)], T0);
        using var sub = store.Subscribe();
        store.Put([A("after", 10, 600)], T0.AddSeconds(10));
        var first = await sub.Alerts.ReadAsync();
        var second = await sub.Alerts.ReadAsync();
        Assert.Equal(("before", "after"), (first.Labels.Get("alertname"), second.Labels.Get("alertname")));
        sub.Dispose();
        store.Put([A("unseen", 20, 600)], T0.AddSeconds(20));
        Assert.False(sub.Alerts.TryRead(out _));
    }

    [Fact]
    public void Export_and_import_round_trip_every_field()
    {
        var store = new AlertStore();
        var alerts = new[] { A("one", 0, 600, "it broke") with { Timeout = true }, A("two", 5, null) };
        store.Put(alerts, T0);
        var copy = new AlertStore();
        copy.ImportJson(store.ExportJson());
        Assert.Equal(alerts.OrderBy(a => a.Fingerprint), copy.List());
    }

    [Fact]
    public void Import_refuses_another_version()
    {
        var store = new AlertStore();
        Assert.Throws<System.Text.Json.JsonException>(() => store.ImportJson("{\"version\":2,\"alerts\":[]}"));
    }
}
