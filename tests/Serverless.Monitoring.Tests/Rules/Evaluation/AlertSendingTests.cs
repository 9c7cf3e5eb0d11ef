using Serverless.Monitoring.Core.Rules.Evaluation;
using static Serverless.Monitoring.Tests.Rules.Evaluation.RuleHarness;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>Which alerts an evaluation hands to the notifier (upstream's <c>needsSending</c> and <c>sendAlerts</c>).</summary>
public sealed class AlertSendingTests
{
    /// <summary>
    /// Interval (s), for (s), x (one value per interval), and per evaluation "-" (nothing sent) or
    /// "startsAt-endsAt" in seconds. Resend delay 1 minute; endsAt of a firing alert is
    /// ts + 4 × max(interval, resend delay).
    /// </summary>
    public static TheoryData<string, int, int, string, string> Cases => new()
    {
        {
            "sent at once, again after the resend delay, at once when resolved, then every delay while kept",
            15, 0, "1x9 0x8",
            "0-240 - - - - 0-315 - - - - 0-150 - - - - 0-150 - -"
        },
        { "never while pending", 15, 60, "1x5", "- - - - 60-300 -" },
        { "a long interval sets ValidUntil", 120, 0, "1 1 1", "0-480 0-600 0-720" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task Alerts_are_sent_as_upstream(string name, int interval, int forSeconds, string x, string sends)
    {
        Assert.NotEmpty(name);
        var h = new RuleHarness(Group(TimeSpan.FromSeconds(interval), new AlertingRule("X", Q("x > 0"), TimeSpan.FromSeconds(forSeconds))));
        h.Load("x " + x, TimeSpan.FromSeconds(interval));
        var expected = sends.Split(' ');
        var actual = new List<string>();
        for (var i = 0; i < expected.Length; i++)
        {
            var result = await h.EvalAsync(i * interval);
            Assert.True(result.Alerts.Count <= 1);
            actual.Add(result.Alerts.Count == 0 ? "-" : $"{result.Alerts[0].StartsAt / RuleTime.NanosPerSecond}-{result.Alerts[0].EndsAt / RuleTime.NanosPerSecond}");
        }

        Assert.Equal(sends, string.Join(' ', actual));
    }

    [Fact]
    public async Task A_notification_carries_labels_annotations_and_the_generator_url()
    {
        var rule = new AlertingRule("X", Q("x > 0"), labels: [new("severity", "page")], annotations: [new("summary", "high"), new("runbook", "")]);
        var options = DefaultOptions() with { ExternalUrl = "http://prom.example:9090/sub" };
        var h = new RuleHarness(Group(TimeSpan.FromSeconds(15), rule), options);
        h.Load("x{job=\"a\"} 1", TimeSpan.FromSeconds(15));
        var sent = Assert.Single((await h.EvalAsync(0)).Alerts);
        Assert.Equal("{alertname=\"X\", job=\"a\", severity=\"page\"}", sent.Labels.ToString());
        Assert.Equal([new("runbook", ""), new("summary", "high")], sent.Annotations);
        Assert.Equal("x > 0", sent.Expression);
        Assert.Equal("http://prom.example:9090/sub/graph?g0.expr=x+%3E+0&g0.tab=1", sent.GeneratorUrl);
        var alert = Assert.Single(h.Alerts());
        Assert.Equal(((long?)0, (long?)Ns(240)), (alert.LastSentAt, alert.ValidUntil));
    }

    [Theory]
    [InlineData("up == 0", "up+%3D%3D+0")]
    [InlineData("rate(http_requests_total{job=\"api\",path=~\"/a.*\"}[5m]) > 0.5", "rate%28http_requests_total%7Bjob%3D%22api%22%2Cpath%3D~%22%2Fa.%2A%22%7D%5B5m%5D%29+%3E+0.5")]
    [InlineData("ü-_.~", "%C3%BC-_.~")]
    public void Expressions_are_escaped_as_gos_QueryEscape(string expression, string escaped) =>
        Assert.Equal(escaped, GeneratorUrl.QueryEscape(expression));
}
