using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// Labels as promtool compares them in a test: a sorted list of name–value pairs, empty values
/// kept and names unchecked (upstream's <c>labels.FromMap</c>), so that an expectation with an
/// empty label value fails as it does upstream instead of meaning "absent".
/// </summary>
internal static class LabelList
{
    public static Label[] From(IEnumerable<KeyValuePair<string, string>> pairs) =>
        [.. pairs.Select(p => new Label(p.Key, p.Value)).OrderBy(l => l.Name, Utf8Ordinal.Instance)];

    public static Label[] From(IEnumerable<Label> labels) => [.. labels.OrderBy(l => l.Name, Utf8Ordinal.Instance)];

    /// <summary>Upstream's <c>labels.Compare</c>: pair by pair, name then value, in UTF-8 byte order; a prefix first.</summary>
    public static int Compare(IReadOnlyList<Label> a, IReadOnlyList<Label> b)
    {
        var n = Math.Min(a.Count, b.Count);
        for (var i = 0; i < n; i++)
        {
            var c = Utf8Ordinal.CompareSpans(a[i].Name, b[i].Name);
            if (c == 0)
            {
                c = Utf8Ordinal.CompareSpans(a[i].Value, b[i].Value);
            }

            if (c != 0)
            {
                return c;
            }
        }

        return a.Count - b.Count;
    }

    public static bool Equal(IReadOnlyList<Label> a, IReadOnlyList<Label> b) => a.Count == b.Count && Compare(a, b) == 0;

    /// <summary>Upstream's <c>labels.String()</c>: <c>{a="b", c="d"}</c>.</summary>
    public static string Format(Label[] labels) => LabelFormatting.Format(labels);
}
