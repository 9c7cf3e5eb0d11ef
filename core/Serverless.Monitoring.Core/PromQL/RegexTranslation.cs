using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// Translates the parts of Go's RE2 syntax that .NET spells differently, where cheap:
/// <c>(?P&lt;name&gt;</c> named groups, POSIX classes such as <c>[[:alpha:]]</c>, one-letter
/// Unicode classes <c>\pL</c>, and <c>\Q...\E</c> literals. Constructs with no .NET equivalent
/// (the <c>U</c> ungreedy flag, <c>\C</c>) are rejected with a parse error; RE2-invalid
/// constructs .NET would accept (backreferences, lookarounds) are rejected by the
/// non-backtracking engine when the matcher is built.
/// </summary>
public static class RegexTranslation
{
    private static readonly Dictionary<string, string> PosixClasses = new(StringComparer.Ordinal)
    {
        ["alnum"] = "0-9A-Za-z",
        ["alpha"] = "A-Za-z",
        ["ascii"] = "\\x00-\\x7F",
        ["blank"] = "\\t ",
        ["cntrl"] = "\\x00-\\x1F\\x7F",
        ["digit"] = "0-9",
        ["graph"] = "!-~",
        ["lower"] = "a-z",
        ["print"] = " -~",
        ["punct"] = "!-/:-@\\[-`{-~",
        ["space"] = "\\t\\n\\v\\f\\r ",
        ["upper"] = "A-Z",
        ["word"] = "0-9A-Za-z_",
        ["xdigit"] = "0-9A-Fa-f",
    };

    /// <summary>Translates <paramref name="re2"/>; false with upstream-style error text when it cannot be supported.</summary>
    public static bool TryTranslate(string re2, out string translated, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(re2);
        error = null;
        if (re2.IndexOfAny(['(', '[', '\\']) < 0)
        {
            translated = re2;
            return true;
        }

        var sb = new StringBuilder(re2.Length + 8);
        var inClass = false;
        for (var i = 0; i < re2.Length; i++)
        {
            var c = re2[i];
            if (c == '\\' && i + 1 < re2.Length)
            {
                var n = re2[i + 1];
                if (n == 'Q')
                {
                    var endQ = re2.IndexOf("\\E", i + 2, StringComparison.Ordinal);
                    var literal = endQ < 0 ? re2[(i + 2)..] : re2[(i + 2)..endQ];
                    foreach (var ch in literal)
                    {
                        if ("\\.+*?()|[]{}^$-#".Contains(ch, StringComparison.Ordinal))
                        {
                            sb.Append('\\');
                        }

                        sb.Append(ch);
                    }

                    i = endQ < 0 ? re2.Length : endQ + 1;
                    continue;
                }

                if (n == 'C')
                {
                    translated = re2;
                    error = $"error parsing regexp: invalid escape sequence: `\\C`";
                    return false;
                }

                if (n is 'p' or 'P' && i + 2 < re2.Length && re2[i + 2] != '{')
                {
                    sb.Append('\\').Append(n).Append('{').Append(re2[i + 2]).Append('}');
                    i += 2;
                    continue;
                }

                sb.Append(c).Append(n);
                i++;
                continue;
            }

            if (inClass)
            {
                if (c == '[' && i + 1 < re2.Length && re2[i + 1] == ':')
                {
                    var close = re2.IndexOf(":]", i + 2, StringComparison.Ordinal);
                    if (close > 0)
                    {
                        var name = re2[(i + 2)..close];
                        var negated = name.StartsWith('^');
                        if (!negated && PosixClasses.TryGetValue(name, out var range))
                        {
                            sb.Append(range);
                            i = close + 1;
                            continue;
                        }

                        translated = re2;
                        error = $"error parsing regexp: invalid character class range: `[:{name}:]`";
                        return false;
                    }
                }

                if (c == ']')
                {
                    inClass = false;
                }

                sb.Append(c);
                continue;
            }

            if (c == '[')
            {
                inClass = true;
                sb.Append(c);
                if (i + 1 < re2.Length && re2[i + 1] == '^')
                {
                    sb.Append('^');
                    i++;
                }

                if (i + 1 < re2.Length && re2[i + 1] == ']')
                {
                    // A leading ']' is a literal in RE2.
                    sb.Append("\\]");
                    i++;
                }

                continue;
            }

            if (c == '(' && i + 2 < re2.Length && re2[i + 1] == '?')
            {
                if (re2[i + 2] == 'P' && i + 3 < re2.Length && re2[i + 3] == '<')
                {
                    sb.Append("(?<");
                    i += 3;
                    continue;
                }

                var j = i + 2;
                while (j < re2.Length && re2[j] is not (')' or ':'))
                {
                    if (re2[j] == 'U')
                    {
                        translated = re2;
                        error = "error parsing regexp: the ungreedy flag (?U) is not supported";
                        return false;
                    }

                    j++;
                }
            }

            sb.Append(c);
        }

        translated = sb.ToString();
        return true;
    }
}
