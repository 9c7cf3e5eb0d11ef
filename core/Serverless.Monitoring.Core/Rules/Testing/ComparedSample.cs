using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// A sample as a query test compares it (upstream's <c>parsedSample</c>): the series' labels with
/// <c>__name__</c>, and the value, equal only by <c>==</c> (so NaN never equals NaN, as upstream).
/// </summary>
internal sealed record ComparedSample(Label[] Labels, double Value)
{
    public static bool SameAs(IReadOnlyList<ComparedSample> a, IReadOnlyList<ComparedSample> b) =>
        a.Count == b.Count && a.Zip(b).All(p => LabelList.Equal(p.First.Labels, p.Second.Labels) && p.First.Value == p.Second.Value);

    /// <summary>Sorted by labels; stable, so equal label sets keep their order.</summary>
    public static List<ComparedSample> Sorted(IEnumerable<ComparedSample> samples)
    {
        var list = samples.ToList();
        var indexed = list.Select((s, i) => (s, i)).ToList();
        indexed.Sort((x, y) => LabelList.Compare(x.s.Labels, y.s.Labels) is var c && c != 0 ? c : x.i.CompareTo(y.i));
        return [.. indexed.Select(x => x.s)];
    }

    /// <summary>A list as promtool prints it: <c>nil</c>, or the samples separated by <c>, </c>.</summary>
    public static string Format(IReadOnlyList<ComparedSample> samples) =>
        samples.Count == 0 ? "nil" : string.Join(", ", samples);

    /// <summary><c>{labels} value</c>, the value as Go's <c>FormatFloat(v, 'E', -1, 64)</c>: <c>1E+00</c>, <c>2.5E-01</c>, <c>NaN</c>, <c>+Inf</c>.</summary>
    public override string ToString() => LabelList.Format(Labels) + " " + GoFloatFormatter.Format(Value, 'e').Replace('e', 'E');
}
