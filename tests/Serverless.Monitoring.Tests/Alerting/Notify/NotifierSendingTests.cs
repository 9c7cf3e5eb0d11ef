using System.Text.Json;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Notify;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Notify;

/// <summary>Retry classification, error texts and headers of the notifiers against a scripted sink; Teams' documented card shape.</summary>
public sealed class NotifierSendingTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2024-05-01T12:00:00Z");

    public static TheoryData<string, int, string, bool, string?> Answers() => new()
    {
        // integration, status, response body, retry, error
        { "webhook", 200, "", false, null },
        { "webhook", 204, "", false, null },
        { "webhook", 500, "boom", true, "unexpected status code 500: {URL}: boom" },
        { "webhook", 404, "nope", false, "unexpected status code 404: {URL}: nope" },
        { "webhook", 429, "", false, "unexpected status code 429: {URL}: " },
        { "pagerduty", 202, "", false, null },
        { "pagerduty", 429, "slow down", true, "unexpected status code 429" },
        { "pagerduty", 503, "", true, "unexpected status code 503" },
        { "pagerduty", 400, """{"status":"invalid event","message":"Event object is invalid","errors":["Length of 'routing_key' is incorrect","x"]}""", false, "unexpected status code 400: Event object is invalid: Length of 'routing_key' is incorrect,x" },
        { "slack", 500, "rollup_error", true, "channel \"#c\": unexpected status code 500: rollup_error" },
        { "slack", 429, "", false, "channel \"#c\": unexpected status code 429" },
        { "slack", 403, "invalid_token", false, "channel \"#c\": unexpected status code 403: invalid_token" },
        { "msteams", 502, "", true, "unexpected status code 502" },
    };

    [Theory]
    [MemberData(nameof(Answers))]
    public async Task Classifies_answers_as_upstream(string integration, int status, string body, bool retry, string? error)
    {
        using var sink = RecordingHttpSink.Start();
        sink.Script("/n", [status], body);
        var url = sink.Url("/n").ToString();
        using var http = new HttpClient();
        INotifier notifier = integration switch
        {
            "webhook" => new WebhookNotifier(new WebhookOptions { Url = url }, http),
            "pagerduty" => new PagerDutyNotifier(new PagerDutyOptions { RoutingKey = "rk", Url = url }, NotificationTemplate.Default, http),
            "slack" => new SlackNotifier(new SlackOptions { ApiUrl = url, Channel = "#c" }, NotificationTemplate.Default, http),
            _ => new MSTeamsNotifier(new MSTeamsOptions { WebhookUrl = url }, NotificationTemplate.Default, http),
        };
        var result = await notifier.NotifyAsync(Context(), [Firing("a")], CancellationToken.None);
        Assert.Equal(retry, result.Retry);
        Assert.Equal(error?.Replace("{URL}", url, StringComparison.Ordinal), result.Error);
        var request = Assert.Single(sink.Requests);
        Assert.Equal("POST", request.Method);
        Assert.Equal("Alertmanager/0.25.0", request.Header("User-Agent"));
        Assert.Equal("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public async Task A_refused_connection_is_retried()
    {
        var port = FreePort.Get();
        using var http = new HttpClient();
        var notifier = new WebhookNotifier(new WebhookOptions { Url = $"http://127.0.0.1:{port}/x" }, http);
        var result = await notifier.NotifyAsync(Context(), [Firing("a")], CancellationToken.None);
        Assert.True(result.Retry);
        Assert.StartsWith("Post \"<redacted>\": ", result.Error);
    }

    [Fact]
    public void Teams_card_has_the_documented_shape()
    {
        var firing = JsonDocument.Parse(MSTeamsNotifier.BuildPayload(new MSTeamsOptions { WebhookUrl = "x" }, NotificationTemplate.Default, Context(), [Firing("a")])).RootElement;
        Assert.Equal(["@context", "type", "title", "text", "themeColor"], firing.EnumerateObject().Select(p => p.Name));
        Assert.Equal("http://schema.org/extensions", firing.GetProperty("@context").GetString());
        Assert.Equal("MessageCard", firing.GetProperty("type").GetString());
        Assert.Equal("[FIRING:1] A (a)", firing.GetProperty("title").GetString());
        Assert.Equal("8C1A1A", firing.GetProperty("themeColor").GetString());
        Assert.Equal("\n\n# Alerts Firing:\n\nLabels:\n  - alertname = A\n  - instance = a\n\nAnnotations:\n\nSource: \n\n\n\n\n", firing.GetProperty("text").GetString());
        var resolved = JsonDocument.Parse(MSTeamsNotifier.BuildPayload(new MSTeamsOptions { WebhookUrl = "x" }, NotificationTemplate.Default, Context(), [Firing("a") with { EndsAt = Now.AddSeconds(-1) }])).RootElement;
        Assert.Equal("2DC72D", resolved.GetProperty("themeColor").GetString());
        Assert.StartsWith("[RESOLVED] A", resolved.GetProperty("title").GetString());
    }

    public static TheoryData<string, int, string, bool> Truncations() => new()
    {
        { "abc", 3, "abc", false },
        { "abcd", 3, "abc", true },
        { "abcdef", 4, "abc…", true },
        { "é☃x😀yz", 5, "é☃x😀…", true },
        { "é☃x😀", 4, "é☃x😀", false },
    };

    [Theory]
    [MemberData(nameof(Truncations))]
    public void Truncates_in_runes(string s, int n, string expected, bool truncated) =>
        Assert.Equal((expected, truncated), NotificationHttp.TruncateInRunes(s, n));

    [Fact]
    public void Dedup_key_is_the_sha256_of_the_group_key() =>
        Assert.Equal("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", PagerDutyNotifier.DedupKey(""));

    private static NotificationContext Context() => new("{}:{alertname=\"A\"}", "r", LabelSet.FromStrings("alertname", "A"), "http://am", Now);

    private static Alert Firing(string instance) => new()
    {
        Labels = LabelSet.FromStrings("alertname", "A", "instance", instance),
        StartsAt = Now.AddMinutes(-1),
    };
}
