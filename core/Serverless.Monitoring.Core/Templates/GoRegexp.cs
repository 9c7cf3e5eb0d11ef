using System.Collections.Concurrent;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// A Go <c>regexp</c> for template functions: RE2 syntax (translated by
/// <see cref="RegexTranslation"/>), unanchored, on .NET's non-backtracking engine; <c>$</c> is
/// the end of the text and <c>\d \w \s</c> are ASCII, as in Go; groups are numbered by opening
/// parenthesis; <see cref="ReplaceAll"/> follows Go's <c>ReplaceAllString</c> (no empty match
/// right after a match) and its <c>$1</c>, <c>${name}</c> expansion. Compiled patterns are cached.
/// </summary>
public sealed class GoRegexp
{
    private const int CacheLimit = 1024;
    private static readonly ConcurrentDictionary<string, GoRegexp> Cache = new(StringComparer.Ordinal);

    private readonly Regex _regex;
    private readonly string[] _groupNames;

    private GoRegexp(Regex regex, string[] groupNames)
    {
        _regex = regex;
        _groupNames = groupNames;
    }

    /// <summary>Compiles <paramref name="pattern"/>; false with <c>error parsing regexp: …</c>.</summary>
    public static bool TryCompile(string pattern, [NotNullWhen(true)] out GoRegexp? regexp, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(pattern);
        error = null;
        if (Cache.TryGetValue(pattern, out regexp))
        {
            return true;
        }

        error = GoRegexpSyntax.Check(pattern);
        if (error is not null || !RegexTranslation.TryTranslate(pattern, out var translated, out error))
        {
            return false;
        }

        var (dotnet, names, lookarounds) = Rewrite(translated);
        Regex regex;
        try
        {
            // Go's ASCII \b needs lookarounds, which only the backtracking engine has; then with a time limit.
            regex = lookarounds
                ? new Regex(dotnet, RegexOptions.CultureInvariant, TimeSpan.FromSeconds(1))
                : new Regex(dotnet, RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (RegexParseException e)
        {
            error = $"error parsing regexp: {Describe(e.Error)}: `{pattern}`";
            return false;
        }
        catch (NotSupportedException)
        {
            error = $"error parsing regexp: invalid or unsupported Perl syntax: `{pattern}`";
            return false;
        }

        regexp = new GoRegexp(regex, names);
        if (Cache.Count >= CacheLimit)
        {
            Cache.Clear();
        }

        Cache.TryAdd(pattern, regexp);
        return true;
    }

    private static string Describe(RegexParseError error) => error switch
    {
        RegexParseError.InsufficientClosingParentheses => "missing closing )",
        RegexParseError.InsufficientOpeningParentheses => "unexpected )",
        RegexParseError.QuantifierAfterNothing => "missing argument to repetition operator",
        RegexParseError.NestedQuantifiersNotParenthesized => "invalid nested repetition operator",
        RegexParseError.UnterminatedBracket => "missing closing ]",
        RegexParseError.UnrecognizedEscape or RegexParseError.UnescapedEndingBackslash => "invalid escape sequence",
        RegexParseError.ReversedCharacterRange => "invalid character class range",
        RegexParseError.ReversedQuantifierRange => "invalid repeat count",
        _ => "invalid or unsupported Perl syntax",
    };

    /// <summary>Go's <c>MatchString</c>: a match anywhere in <paramref name="input"/>.</summary>
    public bool IsMatch(string input) => _regex.IsMatch(input);

    /// <summary>Go's <c>ReplaceAllString</c>: every match replaced by <paramref name="replacement"/> with <c>$</c> references expanded.</summary>
    public string ReplaceAll(string input, string replacement)
    {
        ArgumentNullException.ThrowIfNull(input);
        ArgumentNullException.ThrowIfNull(replacement);
        var sb = new StringBuilder(input.Length);
        var lastMatchEnd = 0;
        var searchPos = 0;
        while (searchPos <= input.Length)
        {
            var m = _regex.Match(input, searchPos);
            if (!m.Success)
            {
                break;
            }

            var start = m.Index;
            var end = m.Index + m.Length;
            sb.Append(input, lastMatchEnd, start - lastMatchEnd);

            // No replacement for an empty match right after the previous match.
            if (end > lastMatchEnd || start == 0)
            {
                Expand(sb, replacement, m);
            }

            lastMatchEnd = end;

            // Advance past the match, by at least one character (a surrogate pair counts as one).
            var width = searchPos < input.Length && char.IsHighSurrogate(input[searchPos]) && searchPos + 1 < input.Length ? 2 : 1;
            if (searchPos + width > end)
            {
                searchPos += width;
            }
            else if (searchPos + 1 > end)
            {
                searchPos++;
            }
            else
            {
                searchPos = end;
            }
        }

        sb.Append(input, lastMatchEnd, input.Length - lastMatchEnd);
        return sb.ToString();
    }

    // Go's Regexp.expand: $name or ${name}, the longest run of letters, digits and '_'; $$ is '$'.
    private void Expand(StringBuilder sb, string template, Match match)
    {
        var i = 0;
        while (i < template.Length)
        {
            var dollar = template.IndexOf('$', i);
            if (dollar < 0)
            {
                sb.Append(template, i, template.Length - i);
                return;
            }

            sb.Append(template, i, dollar - i);
            i = dollar + 1;
            if (i < template.Length && template[i] == '$')
            {
                sb.Append('$');
                i++;
                continue;
            }

            var brace = i < template.Length && template[i] == '{';
            var start = brace ? i + 1 : i;
            var j = start;
            while (j < template.Length)
            {
                var size = char.IsHighSurrogate(template[j]) && j + 1 < template.Length ? 2 : 1;
                var r = size == 2 ? char.ConvertToUtf32(template[j], template[j + 1]) : template[j];
                if (!(r == '_' || Rune.IsLetter(new Rune(r)) || Rune.IsDigit(new Rune(r))))
                {
                    break;
                }

                j += size;
            }

            if (j == start || (brace && (j >= template.Length || template[j] != '}')))
            {
                sb.Append('$'); // malformed: the dollar stays
                continue;
            }

            var name = template[start..j];
            i = brace ? j + 1 : j;
            var number = 0;
            foreach (var c in name)
            {
                if (c is < '0' or > '9' || number >= 100_000_000)
                {
                    number = -1;
                    break;
                }

                number = (number * 10) + (c - '0');
            }

            if (name.Length > 1 && name[0] == '0')
            {
                number = -1;
            }

            if (number < 0)
            {
                number = Array.IndexOf(_groupNames, name);
            }

            if (number >= 0 && number < match.Groups.Count && match.Groups[number].Success)
            {
                sb.Append(match.Groups[number].ValueSpan);
            }
        }
    }

    private const string Word = "[0-9A-Za-z_]";

    // Named groups become plain ones (so .NET numbers every group by its opening parenthesis, as
    // Go does, and names are looked up here); '$' outside classes is the end of the text unless
    // (?m) is used; \d \w \s \b and their negations are ASCII; octal escapes become hex; an
    // assertion that is repeated (Go allows ^*) is grouped, as .NET requires.
    private static (string Pattern, string[] Names, bool Lookarounds) Rewrite(string pattern)
    {
        var names = new List<string> { string.Empty };
        var lookarounds = false;
        var multiline = Regex.IsMatch(pattern, @"\(\?[a-zA-Z]*m");
        var sb = new StringBuilder(pattern.Length + 16);
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\' && i + 1 < pattern.Length)
            {
                var n = pattern[i + 1];
                i++;
                var ascii = inClass ? null : n switch
                {
                    'd' => "[0-9]",
                    'D' => "[^0-9]",
                    'w' => "[0-9A-Za-z_]",
                    'W' => "[^0-9A-Za-z_]",
                    's' => @"[\t\n\f\r ]",
                    'S' => @"[^\t\n\f\r ]",
                    _ => null,
                };
                var inner = !inClass ? null : n switch
                {
                    'd' => "0-9",
                    'w' => "0-9A-Za-z_",
                    's' => @"\t\n\f\r ",
                    _ => null,
                };
                if (n == 'x' && i + 1 < pattern.Length && pattern[i + 1] == '{')
                {
                    // \x{10FFFF}: .NET has no braced form; a BMP code point as \uXXXX, else the escaped pair.
                    var close = pattern.IndexOf('}', i + 2);
                    if (close > 0 && int.TryParse(pattern.AsSpan(i + 2, close - i - 2), System.Globalization.NumberStyles.HexNumber, null, out var cp) && cp <= 0x10FFFF)
                    {
                        sb.Append(cp <= 0xFFFF ? $"\\u{cp:X4}" : Regex.Escape(char.ConvertFromUtf32(cp)));
                        i = close;
                        continue;
                    }
                }

                if (!inClass && n is 'b' or 'B')
                {
                    lookarounds = true;
                    ascii = n == 'b'
                        ? $"(?:(?<={Word})(?!{Word})|(?<!{Word})(?={Word}))"
                        : $"(?:(?<={Word})(?={Word})|(?<!{Word})(?!{Word}))";
                }
                else if (n is >= '0' and <= '7')
                {
                    // Octal (the syntax check has rejected backreferences).
                    var value = n - '0';
                    for (var more = 0; more < 2 && i + 1 < pattern.Length && pattern[i + 1] is >= '0' and <= '7'; more++)
                    {
                        value = (value * 8) + (pattern[++i] - '0');
                    }

                    ascii = $"\\u{value:X4}";
                }

                if (!inClass && ascii is not null && n is 'b' or 'B' && IsQuantifierAt(pattern, i + 1))
                {
                    ascii = "(?:" + ascii + ")";
                }

                sb.Append(ascii ?? inner ?? "\\" + n);
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                sb.Append(c);
                continue;
            }

            switch (c)
            {
                case '[':
                    inClass = true;
                    sb.Append(c);
                    if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                    {
                        sb.Append('^');
                        i++;
                    }

                    if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                    {
                        sb.Append(@"\]");
                        i++;
                    }

                    continue;
                case '$' or '^':
                    var anchor = c == '$' && !multiline ? @"\z" : c.ToString();
                    sb.Append(IsQuantifierAt(pattern, i + 1) ? "(?:" + anchor + ")" : anchor);
                    continue;
                case '(' when i + 1 < pattern.Length && pattern[i + 1] == '?':
                    if (i + 2 < pattern.Length && pattern[i + 2] == '<' && i + 3 < pattern.Length && pattern[i + 3] is not ('=' or '!'))
                    {
                        var close = pattern.IndexOf('>', i + 3);
                        if (close > 0)
                        {
                            names.Add(pattern[(i + 3)..close]);
                            sb.Append('(');
                            i = close;
                            continue;
                        }
                    }

                    sb.Append(c);
                    continue;
                case '(':
                    names.Add(string.Empty);
                    sb.Append(c);
                    continue;
                default:
                    sb.Append(c);
                    continue;
            }
        }

        return (sb.ToString(), [.. names], lookarounds);
    }

    private static bool IsQuantifierAt(string pattern, int i) =>
        i < pattern.Length && (pattern[i] is '*' or '+' or '?' || (pattern[i] == '{' && i + 1 < pattern.Length && char.IsAsciiDigit(pattern[i + 1])));
}
