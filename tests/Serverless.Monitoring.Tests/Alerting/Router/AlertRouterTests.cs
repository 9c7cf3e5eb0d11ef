using Microsoft.Extensions.Time.Testing;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Router;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Storage.Blocks;

namespace Serverless.Monitoring.Tests.Alerting.Router;

/// <summary>The router composed in process: a fake clock drives it, a recording sink receives its webhooks.</summary>
public sealed class AlertRouterTests : IDisposable
{
    private static readonly DateTimeOffset T0 = new(2026, 1, 5, 10, 0, 0, TimeSpan.Zero);

    private readonly RecordingHttpSink _sink = RecordingHttpSink.Start();
    private readonly FakeTimeProvider _time = new(T0);

    public void Dispose() => _sink.Dispose();

    private string Yaml(string groupWait = "10s") => $"""
        route:
          receiver: hook
          group_by: [alertname]
          group_wait: {groupWait}
          group_interval: 1m
        inhibit_rules:
        - source_matchers: [severity="critical"]
          target_matchers: [severity="warning"]
          equal: [alertname]
        receivers:
        - name: hook
          webhook_configs:
          - url: {_sink.Url("/hook")}

        """;

    private Task<AlertRouter> CreateAsync(string yaml, MetricRegistry? registry = null) =>
        AlertRouter.CreateAsync(AlertmanagerConfiguration.Load(yaml), new AlertRouterOptions
        {
            Time = _time,
            ExternalUrl = () => "http://am.example",
            Metrics = registry is null ? null : new RouterMetrics(registry),
        }, CancellationToken.None);

    private static PostableAlert Alert(string name, string severity, DateTimeOffset? endsAt = null) => new()
    {
        Labels = [new("alertname", name), new("severity", severity)],
        StartsAt = T0,
        EndsAt = endsAt,
    };

    [Fact]
    public async Task A_group_flushes_after_group_wait_and_counts_notifications()
    {
        var registry = new MetricRegistry();
        using var router = await CreateAsync(Yaml(), registry);
        router.PostAlerts([Alert("A", "warning")]);

        _time.Advance(TimeSpan.FromSeconds(9));
        Assert.Equal(0, router.Tick(_time.GetUtcNow()));
        _time.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(1, router.Tick(_time.GetUtcNow()));
        await router.DrainAsync();

        var request = Assert.Single(_sink.RequestsTo("/hook"));
        Assert.Contains("\"groupKey\":\"{}:{alertname=\\\"A\\\"}\"", request.BodyText, StringComparison.Ordinal);
        Assert.Contains("\"externalURL\":\"http://am.example\"", request.BodyText, StringComparison.Ordinal);
        var metrics = Exposition(registry);
        Assert.Contains("alertmanager_notifications_total{integration=\"webhook\"} 1", metrics, StringComparison.Ordinal);
        Assert.Contains("alertmanager_notifications_failed_total{integration=\"webhook\"} 0", metrics, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_failing_webhook_is_counted_as_failed()
    {
        _sink.Script("/hook", [400], "bad");
        var registry = new MetricRegistry();
        using var router = await CreateAsync(Yaml("0s"), registry);
        router.PostAlerts([Alert("A", "warning")]);
        _time.Advance(TimeSpan.FromSeconds(1));
        router.Tick(_time.GetUtcNow());
        await router.DrainAsync();
        Assert.Contains("alertmanager_notifications_failed_total{integration=\"webhook\"} 1", Exposition(registry), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invalid_alerts_are_refused_with_upstreams_text_and_valid_ones_kept()
    {
        using var router = await CreateAsync(Yaml());
        var result = router.PostAlerts([Alert("A", "warning"), Alert("B", "warning", endsAt: T0.AddSeconds(-1))]);
        Assert.Equal("start time must be before end time", result.ErrorText);
        Assert.Single(router.Alerts.List());
    }

    [Fact]
    public async Task Status_shows_inhibition_and_silences_as_the_API_reads_them()
    {
        using var router = await CreateAsync(Yaml());
        router.PostAlerts([Alert("A", "critical"), Alert("A", "warning"), Alert("B", "warning")]);
        var silence = router.Silences.Set(new Silence
        {
            Matchers = [SilenceMatcher.FromApi("alertname", "B", false, true)],
            StartsAt = T0,
            EndsAt = T0.AddHours(1),
            CreatedBy = "test",
            Comment = "quiet",
        });

        var byName = router.Alerts.List().ToDictionary(a => a.Labels.Get("alertname") + "/" + a.Labels.Get("severity"));
        Assert.Equal(AlertState.Active, router.StatusOf(byName["A/critical"]).State);
        var inhibited = router.StatusOf(byName["A/warning"]);
        Assert.Equal(AlertState.Suppressed, inhibited.State);
        Assert.Equal([byName["A/critical"].Fingerprint.ToString("x16", System.Globalization.CultureInfo.InvariantCulture)], inhibited.InhibitedBy);
        Assert.Equal([silence], router.StatusOf(byName["B/warning"]).SilencedBy);
    }

    [Fact]
    public async Task Reload_keeps_alerts_silences_and_the_log_and_rebuilds_groups()
    {
        using var router = await CreateAsync(Yaml("0s"));
        router.PostAlerts([Alert("A", "warning")]);
        router.Silences.Set(new Silence { Matchers = [SilenceMatcher.FromApi("alertname", "Z", false, true)], StartsAt = T0, EndsAt = T0.AddHours(1) });
        _time.Advance(TimeSpan.FromSeconds(1));
        router.Tick(_time.GetUtcNow());
        await router.DrainAsync();
        Assert.Single(_sink.RequestsTo("/hook"));

        await router.ReloadAsync(AlertmanagerConfiguration.Load(Yaml("0s").Replace("group_by: [alertname]", "group_by: [alertname, severity]", StringComparison.Ordinal)), CancellationToken.None);
        Assert.Single(router.Alerts.List());
        Assert.Single(router.Silences.Query());
        var group = Assert.Single(router.Dispatcher.Groups());
        Assert.Equal("{}:{alertname=\"A\", severity=\"warning\"}", group.GroupKey);

        // A refused configuration leaves the running one.
        await Assert.ThrowsAsync<ConfigException>(() => router.ReloadAsync(AlertmanagerConfiguration.Load(Yaml() + "  email_configs:\n  - to: a@example.com\n    from: b@example.com\n    smarthost: localhost:25\n"), CancellationToken.None));
        Assert.Equal("{}:{alertname=\"A\", severity=\"warning\"}", Assert.Single(router.Dispatcher.Groups()).GroupKey);
    }

    [Fact]
    public async Task The_state_saved_to_blobs_comes_back_in_a_new_router()
    {
        var store = new InMemoryBlobStore();
        using (var first = await CreateAsync(Yaml()))
        {
            first.PostAlerts([Alert("A", "warning"), Alert("B", "critical")]);
            first.Silences.Set(new Silence { Matchers = [SilenceMatcher.FromApi("alertname", "Z", false, true)], StartsAt = T0, EndsAt = T0.AddHours(1) });
            await first.SaveAsync(store, CancellationToken.None);
        }

        using var second = await CreateAsync(Yaml());
        Assert.True(await second.LoadAsync(store, CancellationToken.None));
        Assert.Equal(2, second.Alerts.Count);
        Assert.Single(second.Silences.Query());
        Assert.Equal(2, second.Dispatcher.Groups().Count);
        Assert.Equal(T0.AddSeconds(10), second.NextDue);
    }

    [Theory]
    [InlineData("  email_configs:\n  - to: a@example.com\n    from: b@example.com\n    smarthost: localhost:25\n", "receivers[0].email_configs")]
    [InlineData("  pagerduty_configs:\n  - service_key: abc\n", "receivers[0].pagerduty_configs[0].service_key")]
    [InlineData("  slack_configs:\n  - api_url_file: /nonexistent/slack-url\n", "receivers[0].slack_configs[0].api_url_file")]
    [InlineData("- name: tls\n  webhook_configs:\n  - url: http://127.0.0.1:1/\n    http_config:\n      tls_config:\n        ca_file: /nonexistent/ca.pem\n", "receivers[1].webhook_configs[0].http_config")]
    public async Task What_the_router_cannot_send_is_refused_at_load_naming_the_field(string extra, string field)
    {
        var yaml = Yaml() + extra;
        var ex = await Assert.ThrowsAsync<ConfigException>(() => CreateAsync(yaml));
        Assert.Equal(field, ex.Field);
    }

    [Theory]
    [InlineData("global:\n  slack_api_url: https://hooks.example/T0/B0/xyz\n", "global:\n  slack_api_url: <secret>\n")]
    [InlineData("  - routing_key: 'abc' # key\n", "  - routing_key: <secret># key\n")]
    [InlineData("    http_config:\n      basic_auth:\n        password: hunter2\n", "    http_config:\n      basic_auth:\n        password: <secret>\n")]
    [InlineData("  - url: http://hook.example/\n", "  - url: http://hook.example/\n")]
    [InlineData("    password_file: /etc/pw\n", "    password_file: /etc/pw\n")]
    public void Status_config_hides_secret_values(string yaml, string expected) => Assert.Equal(expected, ConfigRedaction.Redact(yaml));

    private static string Exposition(MetricRegistry registry)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
