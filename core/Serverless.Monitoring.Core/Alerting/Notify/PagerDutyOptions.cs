namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// A <c>pagerduty_configs</c> entry for the Events API v2 (<c>routing_key</c>), with Alertmanager
/// 0.25's defaults: <c>send_resolved: true</c>, <c>url</c> <c>https://events.pagerduty.com/v2/enqueue</c>
/// (<c>global.pagerduty_url</c>), <c>description</c>, <c>client</c>, <c>client_url</c> from the
/// <c>pagerduty.default.*</c> templates, <c>source</c> = the client template, <c>severity</c>
/// <c>error</c>, and <c>details</c> completed with <c>firing</c>, <c>resolved</c>,
/// <c>num_firing</c>, <c>num_resolved</c>. Every string is a template.
/// </summary>
public sealed record PagerDutyOptions
{
    public const string DefaultUrl = "https://events.pagerduty.com/v2/enqueue";

    /// <summary>The default <c>details</c>, added for keys the config does not set.</summary>
    public static IReadOnlyDictionary<string, string> DefaultDetails { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["firing"] = """{{ template "pagerduty.default.instances" .Alerts.Firing }}""",
        ["resolved"] = """{{ template "pagerduty.default.instances" .Alerts.Resolved }}""",
        ["num_firing"] = "{{ .Alerts.Firing | len }}",
        ["num_resolved"] = "{{ .Alerts.Resolved | len }}",
    };

    /// <summary><c>routing_key</c> (or <c>routing_key_file</c>'s trimmed contents); a template.</summary>
    public required string RoutingKey { get; init; }

    public string Url { get; init; } = DefaultUrl;

    public bool SendResolved { get; init; } = true;

    public string Client { get; init; } = """{{ template "pagerduty.default.client" . }}""";

    public string ClientUrl { get; init; } = """{{ template "pagerduty.default.clientURL" . }}""";

    /// <summary><c>description</c>: the summary, cut to 1024 runes.</summary>
    public string Description { get; init; } = """{{ template "pagerduty.default.description" .}}""";

    /// <summary><c>details</c> as configured; <see cref="EffectiveDetails"/> adds the defaults.</summary>
    public IReadOnlyDictionary<string, string> Details { get; init; } = new Dictionary<string, string>();

    /// <summary><c>severity</c>; empty means <c>error</c>.</summary>
    public string Severity { get; init; } = "";

    /// <summary><c>source</c>; empty means the <see cref="Client"/> template.</summary>
    public string Source { get; init; } = "";

    public string Class { get; init; } = "";

    public string Component { get; init; } = "";

    public string Group { get; init; } = "";

    public IReadOnlyList<PagerDutyImage> Images { get; init; } = [];

    public IReadOnlyList<PagerDutyLink> Links { get; init; } = [];

    /// <summary>The configured details plus the defaults for keys not set.</summary>
    public IReadOnlyDictionary<string, string> EffectiveDetails
    {
        get
        {
            var details = new Dictionary<string, string>(Details, StringComparer.Ordinal);
            foreach (var (k, v) in DefaultDetails)
            {
                details.TryAdd(k, v);
            }

            return details;
        }
    }
}

/// <summary>An <c>images</c> entry; sent only when <c>src</c> renders non-empty.</summary>
public sealed record PagerDutyImage(string Src, string Alt = "", string Href = "");

/// <summary>A <c>links</c> entry; sent only when <c>href</c> renders non-empty.</summary>
public sealed record PagerDutyLink(string Href, string Text = "");
