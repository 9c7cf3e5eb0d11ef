using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Core.Relabeling;

/// <summary>
/// A relabeling regex: RE2 syntax, fully anchored and with <c>.</c> matching newlines, as
/// upstream compiles it (<c>^(?s:regex)$</c>). Runs on .NET's non-backtracking engine (linear
/// time, no backreferences, like RE2). Capture groups are numbered as Go numbers them (by
/// opening parenthesis, named or not), which is not .NET's order, so <c>$1</c> in a
/// replacement means what it means in Prometheus.
/// </summary>
public sealed class RelabelRegex
{
    private readonly Regex _regex;

    // Go group number -> .NET group number.
    private readonly int[] _groups;
    private readonly Dictionary<string, int> _named;

    private RelabelRegex(string text, Regex regex, int[] groups, Dictionary<string, int> named)
    {
        Text = text;
        _regex = regex;
        _groups = groups;
        _named = named;
        MatchesEverything = text == "(.*)" || text == ".*";
    }

    /// <summary>The default <c>(.*)</c>. Upstream tells "regex left unset" from "set" by this very instance.</summary>
    public static RelabelRegex Default { get; } = Parse("(.*)");

    /// <summary>The regex as written in the configuration.</summary>
    public string Text { get; }

    /// <summary>True for <c>(.*)</c> and <c>.*</c>, which match any string.</summary>
    internal bool MatchesEverything { get; }

    /// <summary>Compiles <paramref name="text"/>; throws <see cref="FormatException"/> with upstream-style text.</summary>
    public static RelabelRegex Parse(string text) =>
        TryParse(text, out var regex, out var error) ? regex : throw new FormatException(error);

    /// <summary>Compiles <paramref name="text"/>, or gives an <c>error parsing regexp: …</c> reason.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out RelabelRegex? regex, [NotNullWhen(false)] out string? error)
    {
        ArgumentNullException.ThrowIfNull(text);
        regex = null;
        if (!RegexTranslation.TryTranslate(text, out var translated, out error))
        {
            return false;
        }

        Regex compiled;
        try
        {
            // \z, not $: .NET's $ also matches before a final newline, Go's does not.
            compiled = new Regex(
                "^(?s:" + translated + @")\z",
                RegexOptions.CultureInvariant | RegexOptions.NonBacktracking);
        }
        catch (ArgumentException ex)
        {
            error = $"error parsing regexp: {ex.Message}: `{text}`";
            return false;
        }
        catch (NotSupportedException ex)
        {
            error = $"error parsing regexp: {ex.Message}: `{text}`";
            return false;
        }

        var (groups, named) = MapGroups(translated, compiled);
        regex = new RelabelRegex(text, compiled, groups, named);
        return true;
    }

    /// <summary>True when the whole of <paramref name="input"/> matches.</summary>
    public bool IsMatch(string input) => MatchesEverything || _regex.IsMatch(input);

    /// <summary>Matches the whole of <paramref name="input"/>; null when it does not match.</summary>
    public Match? Match(string input)
    {
        var m = _regex.Match(input);
        return m.Success ? m : null;
    }

    /// <summary>
    /// Expands <paramref name="template"/> as Go's <c>Regexp.ExpandString</c>: <c>$1</c>, <c>${1}</c>,
    /// <c>$name</c>, <c>${name}</c> (a name is the longest run of letters, digits and <c>_</c>, so
    /// <c>$1x</c> names group "1x"), <c>$$</c> for a dollar; unknown or unmatched groups expand to
    /// nothing; a malformed reference stays literal.
    /// </summary>
    public string Expand(string template, Match match)
    {
        ArgumentNullException.ThrowIfNull(template);
        ArgumentNullException.ThrowIfNull(match);
        var dollar = template.IndexOf('$', StringComparison.Ordinal);
        if (dollar < 0)
        {
            return template;
        }

        // The common "$1" on a match whose group 1 is the whole input: no new string.
        if (template.Length == 2 && template[1] == '1' && _groups.Length > 1)
        {
            var g = match.Groups[_groups[1]];
            return g.Success ? g.Value : string.Empty;
        }

        var sb = new StringBuilder(template.Length + 16);
        var rest = template.AsSpan();
        while (true)
        {
            var i = rest.IndexOf('$');
            if (i < 0)
            {
                sb.Append(rest);
                break;
            }

            sb.Append(rest[..i]);
            rest = rest[(i + 1)..];
            if (!rest.IsEmpty && rest[0] == '$')
            {
                sb.Append('$');
                rest = rest[1..];
                continue;
            }

            if (!TryExtractReference(rest, out var name, out var number, out var consumed))
            {
                sb.Append('$');
                continue;
            }

            rest = rest[consumed..];
            var group = number >= 0
                ? number < _groups.Length ? _groups[number] : -1
                : _named.TryGetValue(name.ToString(), out var n) ? n : -1;
            if (group >= 0)
            {
                var g = match.Groups[group];
                if (g.Success)
                {
                    sb.Append(g.ValueSpan);
                }
            }
        }

        return sb.ToString();
    }

    public override string ToString() => Text;

    /// <summary>Go's <c>extract</c>: a name or number after <c>$</c>, braced or not.</summary>
    private static bool TryExtractReference(ReadOnlySpan<char> s, out ReadOnlySpan<char> name, out int number, out int consumed)
    {
        name = default;
        number = -1;
        consumed = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        var brace = s[0] == '{';
        var start = brace ? 1 : 0;
        var i = start;
        while (i < s.Length)
        {
            if (Rune.DecodeFromUtf16(s[i..], out var rune, out var size) != System.Buffers.OperationStatus.Done)
            {
                break;
            }

            if (!Rune.IsLetter(rune) && !Rune.IsDigit(rune) && rune.Value != '_')
            {
                break;
            }

            i += size;
        }

        if (i == start)
        {
            return false;
        }

        name = s[start..i];
        if (brace)
        {
            if (i >= s.Length || s[i] != '}')
            {
                return false;
            }

            i++;
        }

        number = 0;
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

        consumed = i;
        return true;
    }

    /// <summary>
    /// Numbers capture groups by opening parenthesis as Go does; .NET numbers unnamed groups
    /// first and named ones after, so keep the mapping.
    /// </summary>
    private static (int[] Groups, Dictionary<string, int> Named) MapGroups(string pattern, Regex regex)
    {
        var groups = new List<int> { 0 };
        var named = new Dictionary<string, int>(StringComparer.Ordinal);
        var unnamed = 0;
        var inClass = false;
        for (var i = 0; i < pattern.Length; i++)
        {
            var c = pattern[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (inClass)
            {
                inClass = c != ']';
                continue;
            }

            if (c == '[')
            {
                inClass = true;

                // A ']' right after '[' or '[^' is a literal.
                if (i + 1 < pattern.Length && pattern[i + 1] == '^')
                {
                    i++;
                }

                if (i + 1 < pattern.Length && pattern[i + 1] == ']')
                {
                    i++;
                }

                continue;
            }

            if (c != '(')
            {
                continue;
            }

            if (i + 1 >= pattern.Length || pattern[i + 1] != '?')
            {
                groups.Add(++unnamed);
                continue;
            }

            // (?<name>…) or (?'name'…), but not the lookbehinds (?<= and (?<!.
            if (i + 2 < pattern.Length && (pattern[i + 2] == '\'' || (pattern[i + 2] == '<' && i + 3 < pattern.Length && pattern[i + 3] is not ('=' or '!'))))
            {
                var close = pattern[i + 2] == '<' ? '>' : '\'';
                var end = pattern.IndexOf(close, i + 3);
                if (end > 0)
                {
                    var name = pattern[(i + 3)..end];
                    var number = regex.GroupNumberFromName(name);
                    groups.Add(number);
                    named.TryAdd(name, number);
                }
            }
        }

        return (groups.ToArray(), named);
    }
}
