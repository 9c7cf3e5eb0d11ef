using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// A group of rules evaluated one after another on one schedule (upstream's <c>rulefmt.RuleGroup</c>).
/// Settings left out of the file are null here; <see cref="EvaluationInterval"/> and
/// <see cref="EffectiveQueryOffset"/> fill them from <c>global</c> as upstream's rule manager does.
/// </summary>
public sealed record RuleGroup
{
    /// <summary>Unique within its file; the group is identified by name and file.</summary>
    public required string Name { get; init; }

    /// <summary>The rule file the group came from, as it was named when loading.</summary>
    public required string File { get; init; }

    /// <summary><c>interval</c>; null when absent (a zero interval is absent too, as upstream treats it).</summary>
    public TimeSpan? Interval { get; init; }

    /// <summary><c>query_offset</c>; null when absent (an explicit <c>0s</c> overrides the global offset).</summary>
    public TimeSpan? QueryOffset { get; init; }

    /// <summary><c>limit</c>: the most alerts an alerting rule or series a recording rule may produce; 0 (or less) for none.</summary>
    public int Limit { get; init; }

    /// <summary>
    /// <c>labels</c> added to every rule's output, sorted by name; a rule's own label of the same
    /// name wins. Empty values are kept: setting a label to "" removes it from the output.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];

    /// <summary>The rules, in file order (the evaluation order).</summary>
    public IReadOnlyList<Rule> Rules { get; init; } = [];

    /// <summary>How often the group runs: its own interval, else <c>global.evaluation_interval</c>.</summary>
    public TimeSpan EvaluationInterval(GlobalConfig global)
    {
        ArgumentNullException.ThrowIfNull(global);
        return Interval is { } interval && interval > TimeSpan.Zero ? interval : global.EvaluationInterval;
    }

    /// <summary>How far back the group queries and stamps its output: its own offset, else <c>global.rule_query_offset</c>.</summary>
    public TimeSpan EffectiveQueryOffset(GlobalConfig global)
    {
        ArgumentNullException.ThrowIfNull(global);
        return QueryOffset ?? global.RuleQueryOffset;
    }
}
