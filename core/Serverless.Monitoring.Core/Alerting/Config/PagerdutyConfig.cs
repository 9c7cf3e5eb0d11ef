using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>
/// <c>pagerduty_configs</c> entry (Events API v2 with <c>routing_key</c>; v1's <c>service_key</c>
/// is accepted as upstream accepts it), with upstream's defaults.
/// </summary>
public sealed record PagerdutyConfig
{
    /// <summary>The <c>details</c> every entry gets unless it sets the key itself.</summary>
    public static IReadOnlyDictionary<string, string> DefaultDetails { get; } = new Dictionary<string, string>(StringComparer.Ordinal)
    {
        ["firing"] = """{{ template "pagerduty.default.instances" .Alerts.Firing }}""",
        ["resolved"] = """{{ template "pagerduty.default.instances" .Alerts.Resolved }}""",
        ["num_firing"] = "{{ .Alerts.Firing | len }}",
        ["num_resolved"] = "{{ .Alerts.Resolved | len }}",
    };

    public bool SendResolved { get; init; } = true;

    public HttpClientConfig Http { get; init; } = HttpClientConfig.Default;

    public Secret RoutingKey { get; init; }

    public string RoutingKeyFile { get; init; } = string.Empty;

    public Secret ServiceKey { get; init; }

    public string ServiceKeyFile { get; init; } = string.Empty;

    public string Url { get; init; } = AlertmanagerGlobalConfig.DefaultPagerdutyUrl;

    public string Client { get; init; } = """{{ template "pagerduty.default.client" . }}""";

    public string ClientUrl { get; init; } = """{{ template "pagerduty.default.clientURL" . }}""";

    public string Description { get; init; } = """{{ template "pagerduty.default.description" .}}""";

    public IReadOnlyDictionary<string, string> Details { get; init; } = DefaultDetails;

    public string Source { get; init; } = string.Empty;

    public string Severity { get; init; } = string.Empty;

    public string Class { get; init; } = string.Empty;

    public string Component { get; init; } = string.Empty;

    public string Group { get; init; } = string.Empty;
}
