namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// A <c>slack_configs</c> entry with Alertmanager 0.25's defaults: <c>send_resolved: false</c>,
/// <c>color</c> danger while firing else good, <c>username</c>, <c>title</c>, <c>title_link</c>,
/// <c>icon_emoji</c>, <c>icon_url</c>, <c>pretext</c>, <c>text</c>, <c>fallback</c>,
/// <c>callback_id</c>, <c>footer</c> from the <c>slack.default.*</c> templates, <c>mrkdwn_in</c>
/// fallback, pretext and text when not set. Every string is a template (not <c>api_url</c>).
/// </summary>
public sealed record SlackOptions
{
    /// <summary><c>api_url</c> (or <c>global.slack_api_url</c>, or an <c>api_url_file</c>'s trimmed contents).</summary>
    public required string ApiUrl { get; init; }

    public bool SendResolved { get; init; }

    public string Channel { get; init; } = "";

    public string Username { get; init; } = """{{ template "slack.default.username" . }}""";

    public string Color { get; init; } = """{{ if eq .Status "firing" }}danger{{ else }}good{{ end }}""";

    /// <summary><c>title</c>: cut to 1024 runes.</summary>
    public string Title { get; init; } = """{{ template "slack.default.title" . }}""";

    public string TitleLink { get; init; } = """{{ template "slack.default.titlelink" . }}""";

    public string Pretext { get; init; } = """{{ template "slack.default.pretext" . }}""";

    public string Text { get; init; } = """{{ template "slack.default.text" . }}""";

    public IReadOnlyList<SlackField> Fields { get; init; } = [];

    /// <summary><c>short_fields</c>: a field's <c>short</c> when it does not say.</summary>
    public bool ShortFields { get; init; }

    public string Footer { get; init; } = """{{ template "slack.default.footer" . }}""";

    public string Fallback { get; init; } = """{{ template "slack.default.fallback" . }}""";

    public string CallbackId { get; init; } = """{{ template "slack.default.callbackid" . }}""";

    public string IconEmoji { get; init; } = """{{ template "slack.default.iconemoji" . }}""";

    public string IconUrl { get; init; } = """{{ template "slack.default.iconurl" . }}""";

    public string ImageUrl { get; init; } = "";

    public string ThumbUrl { get; init; } = "";

    public bool LinkNames { get; init; }

    /// <summary><c>mrkdwn_in</c>; empty means fallback, pretext, text.</summary>
    public IReadOnlyList<string> MrkdwnIn { get; init; } = [];

    public IReadOnlyList<SlackAction> Actions { get; init; } = [];
}

/// <summary>A <c>fields</c> entry; <c>short</c> (IsShort) null takes <see cref="SlackOptions.ShortFields"/>.</summary>
public sealed record SlackField(string Title, string Value, bool? IsShort = null);

/// <summary>An <c>actions</c> entry (a button): <c>url</c> for a link, or <c>name</c>/<c>value</c> for a message action.</summary>
public sealed record SlackAction(string Type, string Text, string Url = "", string Style = "", string Name = "", string Value = "", SlackConfirmationField? Confirm = null);

/// <summary>An action's <c>confirm</c>.</summary>
public sealed record SlackConfirmationField(string Text, string Title = "", string OkText = "", string DismissText = "");
