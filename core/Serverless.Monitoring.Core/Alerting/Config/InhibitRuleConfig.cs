using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>
/// One of <c>inhibit_rules</c>; the deprecated <c>source_match(_re)</c> and
/// <c>target_match(_re)</c> are folded into the matcher lists, as upstream's inhibitor does.
/// </summary>
public sealed record InhibitRuleConfig
{
    public IReadOnlyList<LabelMatcher> SourceMatchers { get; init; } = [];

    public IReadOnlyList<LabelMatcher> TargetMatchers { get; init; } = [];

    public IReadOnlyList<string> Equal { get; init; } = [];
}
