using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary><c>msteams_configs</c> entry (Alertmanager 0.26+), <c>send_resolved</c> true by default.</summary>
public sealed record MsTeamsConfig
{
    public bool SendResolved { get; init; } = true;

    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default;

    public Secret WebhookUrl { get; init; }

    public string WebhookUrlFile { get; init; } = string.Empty;

    public string Title { get; init; } = """{{ template "msteams.default.title" . }}""";

    public string Summary { get; init; } = """{{ template "msteams.default.summary" . }}""";

    public string Text { get; init; } = """{{ template "msteams.default.text" . }}""";
}
