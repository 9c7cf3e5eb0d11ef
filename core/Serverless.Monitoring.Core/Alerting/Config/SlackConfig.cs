using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary><c>slack_configs</c> entry with upstream's defaults (<c>send_resolved</c> false, the <c>slack.default.*</c> templates).</summary>
public sealed record SlackConfig
{
    public bool SendResolved { get; init; }

    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default;

    /// <summary>The webhook URL, from the entry or <c>global.slack_api_url</c>; a secret.</summary>
    public Secret ApiUrl { get; init; }

    public string ApiUrlFile { get; init; } = string.Empty;

    public string Channel { get; init; } = string.Empty;

    public string Username { get; init; } = """{{ template "slack.default.username" . }}""";

    public string Color { get; init; } = """{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}""";

    public string Title { get; init; } = """{{ template "slack.default.title" . }}""";

    public string TitleLink { get; init; } = """{{ template "slack.default.titlelink" . }}""";

    public string Pretext { get; init; } = """{{ template "slack.default.pretext" . }}""";

    public string Text { get; init; } = """{{ template "slack.default.text" . }}""";

    public bool ShortFields { get; init; }

    public string Footer { get; init; } = """{{ template "slack.default.footer" . }}""";

    public string Fallback { get; init; } = """{{ template "slack.default.fallback" . }}""";

    public string CallbackId { get; init; } = """{{ template "slack.default.callbackid" . }}""";

    public string IconEmoji { get; init; } = string.Empty;

    public string IconUrl { get; init; } = """{{ template "slack.default.iconurl" . }}""";

    public string ImageUrl { get; init; } = string.Empty;

    public string ThumbUrl { get; init; } = string.Empty;

    public bool LinkNames { get; init; }

    public IReadOnlyList<string> MrkdwnIn { get; init; } = ["fallback", "pretext", "text"];
}
