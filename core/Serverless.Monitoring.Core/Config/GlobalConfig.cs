using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// <c>global</c>: defaults for every scrape config and the rule evaluator. Upstream's defaults:
/// scrape every 1m with a 10s timeout (never more than the interval), evaluate every 1m.
/// </summary>
public sealed record GlobalConfig
{
    public static GlobalConfig Default { get; } = new();

    public TimeSpan ScrapeInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan ScrapeTimeout { get; init; } = TimeSpan.FromSeconds(10);

    public TimeSpan EvaluationInterval { get; init; } = TimeSpan.FromMinutes(1);

    public TimeSpan RuleQueryOffset { get; init; }

    /// <summary>Labels added to series and alerts leaving this server; <c>$VAR</c> / <c>${VAR}</c> expanded from the environment.</summary>
    public LabelSet ExternalLabels { get; init; } = LabelSet.Empty;

    public string QueryLogFile { get; init; } = string.Empty;

    public string ScrapeFailureLogFile { get; init; } = string.Empty;

    /// <summary>Scrape protocols in order of preference; null for upstream's default list.</summary>
    public IReadOnlyList<string>? ScrapeProtocols { get; init; }

    public long BodySizeLimit { get; init; }

    public uint SampleLimit { get; init; }

    public uint TargetLimit { get; init; }

    public uint LabelLimit { get; init; }

    public uint LabelNameLengthLimit { get; init; }

    public uint LabelValueLengthLimit { get; init; }

    public uint KeepDroppedTargets { get; init; }

    public NameValidationScheme MetricNameValidationScheme { get; init; } = NameValidationScheme.Utf8;
}
