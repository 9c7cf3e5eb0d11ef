using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// A firing alert as an alert test compares it (upstream's <c>labelAndAnnotation</c>): labels with
/// <c>alertname</c>, and annotations; lists of them sort and print as promtool's do.
/// </summary>
internal sealed record ComparedAlert(Label[] Labels, Label[] Annotations)
{
    /// <summary>By labels, then annotations.</summary>
    public static int Compare(ComparedAlert a, ComparedAlert b)
    {
        var c = LabelList.Compare(a.Labels, b.Labels);
        return c != 0 ? c : LabelList.Compare(a.Annotations, b.Annotations);
    }

    public static bool SameAs(IReadOnlyList<ComparedAlert> a, IReadOnlyList<ComparedAlert> b) =>
        a.Count == b.Count && a.Zip(b).All(p => LabelList.Equal(p.First.Labels, p.Second.Labels) && LabelList.Equal(p.First.Annotations, p.Second.Annotations));

    /// <summary>
    /// A list as promtool prints it: <c>[]</c>, or <c>[</c>, then per alert its index and, indented
    /// by two, its <c>Labels:</c> and <c>Annotations:</c> lines, separated by commas, then <c>]</c>.
    /// </summary>
    public static string Format(IReadOnlyList<ComparedAlert> alerts)
    {
        if (alerts.Count == 0)
        {
            return "[]";
        }

        var parts = alerts.Select((a, i) => i.ToString(System.Globalization.CultureInfo.InvariantCulture) + ":" + RuleTestText.IndentLines("\n" + a, "  "));
        return "[\n" + string.Join(",\n", parts) + "\n]";
    }

    public override string ToString() => $"Labels:{LabelList.Format(Labels)}\nAnnotations:{LabelList.Format(Annotations)}";
}
