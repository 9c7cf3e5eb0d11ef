using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// A rule as the evaluator runs it: a name, a parsed query and labels. Built from plain values
/// (the rule-file model maps onto it); immutable.
/// </summary>
public abstract class Rule
{
    private protected Rule(string name, Expr query, IEnumerable<Label>? labels)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(query);
        Name = name;
        Query = query;
        QueryText = Printer.Format(query);
        Labels = SortedUnique(labels, nameof(labels));
        Key = name + LabelFormatting.Format(Labels.ToArray());
    }

    /// <summary>The recorded metric name, or the alert name.</summary>
    public string Name { get; }

    /// <summary>The parsed query.</summary>
    public Expr Query { get; }

    /// <summary>The query as upstream prints it (<c>expr.String()</c>): the API's <c>query</c> and the generator URL's expression.</summary>
    public string QueryText { get; }

    /// <summary>
    /// The rule's labels (group labels merged in, the rule's own winning), sorted by name. Values are
    /// kept as written: an empty value removes that label from the output, as upstream; an alerting
    /// rule's values are templates.
    /// </summary>
    public IReadOnlyList<Label> Labels { get; }

    /// <summary>
    /// Upstream's <c>nameAndLabels</c>: what a reloaded group matches rules by (<c>CopyState</c>),
    /// e.g. <c>HighLatency{severity="page"}</c>.
    /// </summary>
    public string Key { get; }

    /// <summary>A copy with <paramref name="groupLabels"/> under the rule's own labels.</summary>
    internal abstract Rule WithGroupLabels(IReadOnlyList<Label> groupLabels);

    /// <summary>Everything that defines the rule, for the group's fingerprint (upstream compares rules by their YAML).</summary>
    internal abstract void AppendDefinition(StringBuilder sb);

    private protected static IReadOnlyList<Label> Merge(IReadOnlyList<Label> under, IReadOnlyList<Label> over)
    {
        if (under.Count == 0)
        {
            return over;
        }

        var merged = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var l in under)
        {
            merged[l.Name] = l.Value;
        }

        foreach (var l in over)
        {
            merged[l.Name] = l.Value;
        }

        return [.. merged.Select(kv => new Label(kv.Key, kv.Value)).OrderBy(l => l.Name, Utf8Ordinal.Instance)];
    }

    private protected static IReadOnlyList<Label> SortedUnique(IEnumerable<Label>? labels, string parameter)
    {
        if (labels is null)
        {
            return [];
        }

        var sorted = labels.OrderBy(l => l.Name, Utf8Ordinal.Instance).ToArray();
        for (var i = 0; i < sorted.Length; i++)
        {
            if (string.IsNullOrEmpty(sorted[i].Name) || sorted[i].Value is null)
            {
                throw new ArgumentException("a label needs a name and a value", parameter);
            }

            if (i > 0 && sorted[i].Name == sorted[i - 1].Name)
            {
                throw new ArgumentException($"duplicate label name {sorted[i].Name}", parameter);
            }
        }

        return sorted;
    }

    private protected void AppendCommon(StringBuilder sb, char kind)
    {
        sb.Append(kind).Append('\0').Append(Name).Append('\0').Append(QueryText).Append('\0');
        AppendLabels(sb, Labels);
    }

    private protected static void AppendLabels(StringBuilder sb, IReadOnlyList<Label> labels)
    {
        foreach (var l in labels)
        {
            sb.Append(l.Name).Append('\0').Append(l.Value).Append('\0');
        }

        sb.Append('\u0001');
    }
}
