namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// An <c>msteams_configs</c> entry (Alertmanager 0.26+; 0.25 has none), with upstream's defaults:
/// <c>send_resolved: true</c>, <c>title</c> and <c>text</c> from <c>msteams.default.*</c>.
/// </summary>
public sealed record MSTeamsOptions
{
    /// <summary><c>webhook_url</c>: the incoming-webhook URL of the channel.</summary>
    public required string WebhookUrl { get; init; }

    public bool SendResolved { get; init; } = true;

    public string Title { get; init; } = """{{ template "msteams.default.title" . }}""";

    public string Text { get; init; } = """{{ template "msteams.default.text" . }}""";
}
