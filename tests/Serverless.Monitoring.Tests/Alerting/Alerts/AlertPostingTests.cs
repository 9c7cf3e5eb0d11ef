using Serverless.Monitoring.Core.Alerting.Alerts;

namespace Serverless.Monitoring.Tests.Alerting.Alerts;

/// <summary>Defaults and validation of posted alerts, as Alertmanager 0.25's <c>postAlertsHandler</c> and <c>model.Alert.Validate</c>.</summary>
public sealed class AlertPostingTests
{
    private static readonly DateTimeOffset Now = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);
    private static readonly TimeSpan ResolveTimeout = TimeSpan.FromMinutes(5);

    /// <summary>Name, labels ("a=b,c=d"), startsAt and endsAt (seconds from now, null = missing), expected start, end, timeout or error.</summary>
    public static TheoryData<string, string, int?, int?, string> Cases => new()
    {
        { "no times: starts now, ends after resolve_timeout, timeout", "alertname=A", null, null, "0 300 timeout" },
        { "only an end: starts at the end", "alertname=A", null, -10, "-10 -10" },
        { "only a start: end from resolve_timeout", "alertname=A", -60, null, "-60 300 timeout" },
        { "both given: kept", "alertname=A", -60, 60, "-60 60" },
        { "equal start and end is valid", "alertname=A", 5, 5, "5 5" },
        { "end before start refused", "alertname=A", 10, 5, "error start time must be before end time" },
        { "no labels refused", "", null, null, "error at least one label pair required" },
        { "only empty-valued labels are no labels", "a=", null, null, "error at least one label pair required" },
        { "an empty-valued label is dropped", "alertname=A,b=", null, null, "0 300 timeout" },
        { "an invalid name is refused with Go's quoting", "alertname=A,0a=x", null, null, "error invalid label set: invalid name \"0a\"" },
        { "a UTF-8 name is invalid in 0.25", "alertname=A,é=x", null, null, "error invalid label set: invalid name \"é\"" },
        { "an invalid name with an empty value is dropped, not refused", "alertname=A,0a=", null, null, "0 300 timeout" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Posted_alert_gets_upstream_defaults_or_error(string name, string labels, int? startsAt, int? endsAt, string expected)
    {
        Assert.NotEmpty(name);
        var posted = new PostableAlert
        {
            Labels = Pairs(labels),
            StartsAt = startsAt is { } s ? Now.AddSeconds(s) : null,
            EndsAt = endsAt is { } e ? Now.AddSeconds(e) : null,
        };
        var result = AlertPosting.Prepare([posted], Now, ResolveTimeout);
        if (expected.StartsWith("error ", StringComparison.Ordinal))
        {
            Assert.Empty(result.Valid);
            Assert.Equal(expected["error ".Length..], result.ErrorText);
            return;
        }

        Assert.Null(result.ErrorText);
        var a = Assert.Single(result.Valid);
        var actual = $"{(a.StartsAt - Now).TotalSeconds} {(a.EndsAt!.Value - Now).TotalSeconds}{(a.Timeout ? " timeout" : "")}";
        Assert.Equal(expected, actual);
        Assert.Equal(Now, a.UpdatedAt);
        Assert.DoesNotContain(a.Labels, l => l.Value.Length == 0);
    }

    [Fact]
    public void Valid_alerts_are_kept_when_others_fail_and_errors_join_as_MultiError()
    {
        var result = AlertPosting.Prepare(
            [
                new PostableAlert { Labels = Pairs("alertname=A") },
                new PostableAlert { Labels = Pairs("") },
                new PostableAlert { Labels = Pairs("alertname=B"), StartsAt = Now, EndsAt = Now.AddSeconds(-1) },
            ],
            Now,
            ResolveTimeout);
        Assert.Equal("A", Assert.Single(result.Valid).Labels.Get("alertname"));
        Assert.Equal("at least one label pair required; start time must be before end time", result.ErrorText);
    }

    internal static KeyValuePair<string, string>[] Pairs(string labels) =>
        labels.Length == 0
            ? []
            : [.. labels.Split(',').Select(p => p.Split('=', 2)).Select(p => KeyValuePair.Create(p[0], p[1]))];
}
