using System.Text;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Matchers;

/// <summary>
/// The matcher syntax of Alertmanager's <c>pkg/labels</c> (0.25): a legacy label name, an operator,
/// and a value that may be double-quoted, with OpenMetrics escapes (<c>\"</c>, <c>\n</c>,
/// <c>\\</c>) and a tolerant reading of anything else, as upstream documents it.
/// </summary>
internal static class ClassicMatcherParser
{
    // Go's \s is [\t\n\f\r ]; '=~' before '=' so the '~' is not taken as part of the value.
    private static readonly Regex MatcherPattern = new(
        @"^[\t\n\f\r ]*([a-zA-Z_:][a-zA-Z0-9_:]*)[\t\n\f\r ]*(=~|=|!=|!~)[\t\n\f\r ]*(.*?)[\t\n\f\r ]*\z",
        RegexOptions.CultureInvariant | RegexOptions.Singleline);

    /// <summary>Upstream's <c>labels.ParseMatchers</c>.</summary>
    public static IReadOnlyList<LabelMatcher> ParseMatchers(string s)
    {
        if (s.StartsWith('{'))
        {
            s = s[1..];
        }

        if (s.EndsWith('}'))
        {
            s = s[..^1];
        }

        // Split on commas outside double quotes; a quote after a backslash does not count.
        var tokens = new List<string>();
        var token = new StringBuilder();
        bool insideQuotes = false, escaped = false;
        foreach (var ch in s)
        {
            switch (ch)
            {
                case ',' when !insideQuotes:
                    tokens.Add(token.ToString());
                    token.Clear();
                    continue;
                case ',':
                    break;
                case '"':
                    if (!escaped)
                    {
                        insideQuotes = !insideQuotes;
                    }
                    else
                    {
                        escaped = false;
                    }

                    break;
                case '\\':
                    escaped = !escaped;
                    break;
                default:
                    escaped = false;
                    break;
            }

            token.Append(ch);
        }

        var last = token.ToString().Trim();
        if (last.Length > 0)
        {
            tokens.Add(last);
        }

        var matchers = new List<LabelMatcher>(tokens.Count);
        foreach (var t in tokens)
        {
            matchers.Add(ParseMatcher(t));
        }

        return matchers;
    }

    /// <summary>Upstream's <c>labels.ParseMatcher</c>.</summary>
    public static LabelMatcher ParseMatcher(string s)
    {
        var m = MatcherPattern.Match(s);
        if (!m.Success)
        {
            throw new FormatException($"bad matcher format: {s}");
        }

        var raw = m.Groups[3].Value;
        var expectTrailingQuote = false;
        if (raw.StartsWith('"'))
        {
            raw = raw[1..];
            expectTrailingQuote = true;
        }

        if (!LabelValidation.IsValidUtf8(raw))
        {
            throw new FormatException($"matcher value not valid UTF-8: {m.Groups[3].Value}");
        }

        var value = new StringBuilder(raw.Length);
        var escaped = false;
        for (var i = 0; i < raw.Length; i++)
        {
            var ch = raw[i];
            if (escaped)
            {
                escaped = false;
                switch (ch)
                {
                    case 'n': value.Append('\n'); break;
                    case '"' or '\\': value.Append(ch); break;
                    default: value.Append('\\').Append(ch); break; // a spurious escape stays literal
                }

                continue;
            }

            switch (ch)
            {
                case '\\' when i < raw.Length - 1:
                    escaped = true;
                    break;
                case '\\':
                    value.Append('\\');
                    break;
                case '"':
                    if (!expectTrailingQuote || i < raw.Length - 1)
                    {
                        throw new FormatException($"matcher value contains unescaped double quote: {m.Groups[3].Value}");
                    }

                    expectTrailingQuote = false;
                    break;
                default:
                    value.Append(ch);
                    break;
            }
        }

        if (expectTrailingQuote)
        {
            throw new FormatException($"matcher value contains unescaped double quote: {m.Groups[3].Value}");
        }

        var type = m.Groups[2].Value switch
        {
            "=" => LabelMatchType.Equal,
            "!=" => LabelMatchType.NotEqual,
            "=~" => LabelMatchType.RegexMatch,
            _ => LabelMatchType.RegexNoMatch,
        };
        return MatcherFactory.Create(type, m.Groups[1].Value, value.ToString());
    }
}
