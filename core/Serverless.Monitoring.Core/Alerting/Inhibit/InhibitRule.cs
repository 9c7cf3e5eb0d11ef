using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Inhibit;

/// <summary>
/// One <c>inhibit_rules</c> entry: alerts matching <see cref="TargetMatchers"/> are muted while a firing
/// alert matching <see cref="SourceMatchers"/> has the same value for every <see cref="Equal"/> label
/// (a missing label counts as the empty value). The deprecated <c>source_match(_re)</c>/<c>target_match(_re)</c>
/// forms become equality/regex matchers here too.
/// </summary>
public sealed record InhibitRule(
    IReadOnlyList<LabelMatcher> SourceMatchers,
    IReadOnlyList<LabelMatcher> TargetMatchers,
    IReadOnlyList<string> Equal)
{
    public bool MatchesSource(LabelSet labels) => MatchesAll(SourceMatchers, labels);

    public bool MatchesTarget(LabelSet labels) => MatchesAll(TargetMatchers, labels);

    internal bool EqualOn(LabelSet source, LabelSet target)
    {
        foreach (var name in Equal)
        {
            if (!string.Equals(source.Get(name), target.Get(name), StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool MatchesAll(IReadOnlyList<LabelMatcher> matchers, LabelSet labels)
    {
        foreach (var m in matchers)
        {
            if (!m.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }
}
