using System.Text;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Matchers;

/// <summary>
/// Alertmanager's label matchers: parsing in either syntax (<see cref="MatcherSyntax"/>), the
/// sort order and the text form upstream uses in route keys and in printed configurations.
/// </summary>
public static class AlertmanagerMatchers
{
    /// <summary>
    /// Parses a comma-separated list of matchers (braces optional) as upstream's
    /// <c>compat.Matchers</c> does in the given mode.
    /// </summary>
    /// <exception cref="FormatException">Upstream's error text.</exception>
    public static IReadOnlyList<LabelMatcher> Parse(string input, MatcherSyntax syntax = MatcherSyntax.Fallback)
    {
        ArgumentNullException.ThrowIfNull(input);
        switch (syntax)
        {
            case MatcherSyntax.Classic:
                return ClassicMatcherParser.ParseMatchers(input);
            case MatcherSyntax.Utf8:
                return Utf8MatcherParser.ParseMatchers(input);
            default:
                IReadOnlyList<LabelMatcher>? utf8 = null;
                try
                {
                    utf8 = Utf8MatcherParser.ParseMatchers(input);
                }
                catch (FormatException)
                {
                    // Refused by the new parser: the classic one decides (and its error is the one shown).
                }

                var classic = utf8 is null ? ClassicMatcherParser.ParseMatchers(input) : TryClassic(input);
                if (utf8 is null)
                {
                    return classic!;
                }

                // On disagreement upstream keeps the classic result.
                return classic is not null && !classic.SequenceEqual(utf8) ? classic : utf8;
        }
    }

    /// <summary>Parses exactly one matcher (upstream's <c>compat.Matcher</c>).</summary>
    /// <exception cref="FormatException">Upstream's error text.</exception>
    public static LabelMatcher ParseOne(string input, MatcherSyntax syntax = MatcherSyntax.Fallback)
    {
        ArgumentNullException.ThrowIfNull(input);
        if (syntax == MatcherSyntax.Classic)
        {
            return ClassicMatcherParser.ParseMatcher(input);
        }

        if (input.StartsWith('{') || input.EndsWith('}'))
        {
            throw new FormatException($"unexpected open or close brace: {input}");
        }

        LabelMatcher? utf8 = null;
        try
        {
            utf8 = Utf8MatcherParser.ParseMatcher(input);
        }
        catch (FormatException) when (syntax == MatcherSyntax.Fallback)
        {
        }

        if (syntax == MatcherSyntax.Utf8)
        {
            return utf8!;
        }

        if (utf8 is null)
        {
            return ClassicMatcherParser.ParseMatcher(input);
        }

        try
        {
            return ClassicMatcherParser.ParseMatcher(input) is var classic && !classic.Equals(utf8) ? classic : utf8;
        }
        catch (FormatException)
        {
            return utf8;
        }
    }

    /// <summary>Sorts as upstream's <c>labels.Matchers</c>: by name, then value, then type.</summary>
    public static LabelMatcher[] Sorted(IEnumerable<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        var array = matchers.ToArray();
        // A stable sort, as the order of equal keys must not depend on the input's order.
        return [.. array.OrderBy(m => m, Comparer<LabelMatcher>.Create(Compare))];
    }

    /// <summary>Upstream's order of two matchers.</summary>
    public static int Compare(LabelMatcher a, LabelMatcher b)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var c = string.CompareOrdinal(a.Name, b.Name);
        if (c != 0)
        {
            return c;
        }

        c = string.CompareOrdinal(a.Value, b.Value);
        return c != 0 ? c : a.Type.CompareTo(b.Type);
    }

    /// <summary>
    /// One matcher as Alertmanager prints it: <c>name="value"</c> with OpenMetrics escaping
    /// (backslash, newline and double quote); the name is never quoted.
    /// </summary>
    public static string Format(LabelMatcher matcher)
    {
        ArgumentNullException.ThrowIfNull(matcher);
        var sb = new StringBuilder();
        Append(sb, matcher);
        return sb.ToString();
    }

    /// <summary>A list as upstream's <c>Matchers.String()</c>: <c>{a="b",c=~"d"}</c>.</summary>
    public static string Format(IEnumerable<LabelMatcher> matchers)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        var sb = new StringBuilder("{");
        var first = true;
        foreach (var m in matchers)
        {
            if (!first)
            {
                sb.Append(',');
            }

            first = false;
            Append(sb, m);
        }

        return sb.Append('}').ToString();
    }

    /// <summary>True when every matcher matches the label set (absent labels are empty).</summary>
    public static bool MatchAll(IEnumerable<LabelMatcher> matchers, LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        ArgumentNullException.ThrowIfNull(labels);
        foreach (var m in matchers)
        {
            if (!m.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    private static IReadOnlyList<LabelMatcher>? TryClassic(string input)
    {
        try
        {
            return ClassicMatcherParser.ParseMatchers(input);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static void Append(StringBuilder sb, LabelMatcher m)
    {
        sb.Append(m.Name).Append(m.Type switch
        {
            LabelMatchType.Equal => "=",
            LabelMatchType.NotEqual => "!=",
            LabelMatchType.RegexMatch => "=~",
            _ => "!~",
        }).Append('"');
        foreach (var ch in m.Value)
        {
            switch (ch)
            {
                case '\\': sb.Append(@"\\"); break;
                case '\n': sb.Append(@"\n"); break;
                case '"': sb.Append("\\\""); break;
                default: sb.Append(ch); break;
            }
        }

        sb.Append('"');
    }
}
