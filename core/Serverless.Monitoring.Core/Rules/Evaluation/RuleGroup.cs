using System.Globalization;
using System.IO.Hashing;
using System.Text;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// A rule group as the evaluator runs it: name, file, interval, limit, query offset and rules in
/// file order, group labels already merged into the rules. Immutable; built from plain values
/// (the rule-file model maps onto it). <see cref="Fingerprint"/> tells an unchanged group from a
/// reloaded, changed one (upstream's <c>Group.Equals</c>).
/// </summary>
public sealed class RuleGroup
{
    /// <summary>A group.</summary>
    /// <param name="name">The group's name.</param>
    /// <param name="file">The file it was loaded from, as upstream names it (the path as resolved from the config).</param>
    /// <param name="interval">The evaluation interval (the group's, else the global one).</param>
    /// <param name="rules">The rules, in file order.</param>
    /// <param name="limit">Most alerts or series a rule may produce; 0 for no limit.</param>
    /// <param name="queryOffset">The group's <c>query_offset</c>; null to use <see cref="RuleEvaluationOptions.DefaultQueryOffset"/>.</param>
    /// <param name="labels">Group labels: set on every rule, under the rule's own.</param>
    /// <exception cref="ArgumentException">A value is out of range.</exception>
    public RuleGroup(
        string name,
        string file,
        TimeSpan interval,
        IReadOnlyList<Rule> rules,
        int limit = 0,
        TimeSpan? queryOffset = null,
        IEnumerable<Label>? labels = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfNegative(limit);
        if (queryOffset is { } offset)
        {
            ArgumentOutOfRangeException.ThrowIfLessThan(offset, TimeSpan.Zero, nameof(queryOffset));
        }

        Name = name;
        File = file;
        Interval = interval;
        Limit = limit;
        QueryOffset = queryOffset;
        var groupLabels = labels?.OrderBy(l => l.Name, Utf8Ordinal.Instance).ToArray() ?? [];
        Rules = groupLabels.Length == 0 ? [.. rules] : [.. rules.Select(r => r.WithGroupLabels(groupLabels))];
        Fingerprint = ComputeFingerprint();
    }

    /// <summary>The group's name.</summary>
    public string Name { get; }

    /// <summary>The file the group comes from.</summary>
    public string File { get; }

    /// <summary>The evaluation interval.</summary>
    public TimeSpan Interval { get; }

    /// <summary>Most alerts (alerting rule) or series (recording rule) a rule may produce; 0 for none.</summary>
    public int Limit { get; }

    /// <summary>The group's own query offset; null when the global default applies.</summary>
    public TimeSpan? QueryOffset { get; }

    /// <summary>The rules in file order, group labels merged in.</summary>
    public IReadOnlyList<Rule> Rules { get; }

    /// <summary>A hash of everything that defines the group (hex): equal for an unchanged group across reloads and processes.</summary>
    public string Fingerprint { get; }

    /// <summary>The group's evaluation grid, phased as in Prometheus 3 (or as <paramref name="hash"/> says).</summary>
    public RuleGroupSchedule Schedule(RuleGroupHash hash = RuleGroupHash.Prometheus3) =>
        RuleGroupSchedule.For(Name, File, Interval, hash);

    private string ComputeFingerprint()
    {
        var sb = new StringBuilder();
        sb.Append(Name).Append('\0').Append(File).Append('\0')
            .Append(Interval.Ticks.ToString(CultureInfo.InvariantCulture)).Append('\0')
            .Append(Limit.ToString(CultureInfo.InvariantCulture)).Append('\0')
            .Append(QueryOffset is { } o ? o.Ticks.ToString(CultureInfo.InvariantCulture) : "-").Append('\0');
        foreach (var rule in Rules)
        {
            rule.AppendDefinition(sb);
        }

        return XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(sb.ToString())).ToString("x16", CultureInfo.InvariantCulture);
    }
}
