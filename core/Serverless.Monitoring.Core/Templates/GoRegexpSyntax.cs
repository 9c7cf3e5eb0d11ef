namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// The checks of Go's <c>regexp/syntax</c> parser that .NET's parser would answer differently:
/// escapes Go does not know (or backreferences), repeat counts above 1000, nested or argumentless
/// repetition, class ranges, unbalanced parentheses and brackets, lookarounds and other Perl
/// groups. The error is Go's: <c>error parsing regexp: CODE: `FRAGMENT`</c>.
/// </summary>
internal static class GoRegexpSyntax
{
    private const int MaxRepeat = 1000;

    // The Unicode general categories Go's \p accepts (its scripts are not available here).
    private static readonly HashSet<string> Categories = new(StringComparer.Ordinal)
    {
        "Any", "C", "Cc", "Cf", "Co", "Cs", "L", "Ll", "Lm", "Lo", "Lt", "Lu", "M", "Mc", "Me", "Mn", "N", "Nd", "Nl", "No",
        "P", "Pc", "Pd", "Pe", "Pf", "Pi", "Po", "Ps", "S", "Sc", "Sk", "Sm", "So", "Z", "Zl", "Zp", "Zs",
    };

    public static string? Check(string pattern)
    {
        var depth = 0;
        var lastWasAtom = false;
        var lastRepeatStart = -1; // start of the repetition operator just read, for nested-repeat errors
        var i = 0;
        while (i < pattern.Length)
        {
            var c = pattern[i];
            switch (c)
            {
                case '\\':
                    {
                        var error = CheckEscape(pattern, i, out var length);
                        if (error is not null)
                        {
                            return error;
                        }

                        // \Q…\E is a literal run; \b \B \A \z are assertions, which may not be repeated either way in Go.
                        i += length;
                        lastWasAtom = true;
                        lastRepeatStart = -1;
                        continue;
                    }

                case '[':
                    {
                        var error = CheckClass(pattern, i, out var end);
                        if (error is not null)
                        {
                            return error;
                        }

                        i = end;
                        lastWasAtom = true;
                        lastRepeatStart = -1;
                        continue;
                    }

                case '(':
                    if (i + 1 < pattern.Length && pattern[i + 1] == '?')
                    {
                        var error = CheckGroupFlags(pattern, i, out var length, out var opensGroup);
                        if (error is not null)
                        {
                            return error;
                        }

                        i += length;
                        if (opensGroup)
                        {
                            depth++;
                            lastWasAtom = false;
                        }

                        lastRepeatStart = -1;
                        continue;
                    }

                    depth++;
                    i++;
                    lastWasAtom = false;
                    lastRepeatStart = -1;
                    continue;
                case ')':
                    if (depth == 0)
                    {
                        return Error("unexpected )", pattern);
                    }

                    depth--;
                    i++;
                    lastWasAtom = true;
                    lastRepeatStart = -1;
                    continue;
                case '|':
                    i++;
                    lastWasAtom = false;
                    lastRepeatStart = -1;
                    continue;
                case '*' or '+' or '?' or '{':
                    {
                        var length = 1;
                        if (c == '{')
                        {
                            if (!TryRepeat(pattern, i, out length, out var min, out var max))
                            {
                                // Not a repeat: a literal brace.
                                i++;
                                lastWasAtom = true;
                                lastRepeatStart = -1;
                                continue;
                            }

                            if (min > MaxRepeat || max > MaxRepeat || (max >= 0 && max < min))
                            {
                                return Error("invalid repeat count", pattern.Substring(i, length));
                            }
                        }

                        // A '?' right after a repetition makes it non-greedy.
                        if (i + length < pattern.Length && pattern[i + length] == '?')
                        {
                            length++;
                        }

                        if (lastRepeatStart >= 0)
                        {
                            return Error("invalid nested repetition operator", pattern[lastRepeatStart..(i + length)]);
                        }

                        if (!lastWasAtom)
                        {
                            return Error("missing argument to repetition operator", pattern.Substring(i, length));
                        }

                        lastRepeatStart = i;
                        i += length;
                        continue;
                    }

                default:
                    // Literals and the ^ $ . assertions can all be repeated in Go.
                    i += char.IsHighSurrogate(c) && i + 1 < pattern.Length ? 2 : 1;
                    lastWasAtom = true;
                    lastRepeatStart = -1;
                    continue;
            }
        }

        return depth > 0 ? Error("missing closing )", pattern) : null;
    }

    private static string Error(string code, string fragment) => $"error parsing regexp: {code}: `{fragment}`";

    // {n}, {n,} or {n,m}; max -1 when open.
    private static bool TryRepeat(string p, int i, out int length, out int min, out int max)
    {
        length = 0;
        min = max = -1;
        var j = i + 1;
        var start = j;
        while (j < p.Length && char.IsAsciiDigit(p[j]))
        {
            j++;
        }

        if (j == start || j >= p.Length || !int.TryParse(p.AsSpan(start, Math.Min(j - start, 9)), out min))
        {
            return false;
        }

        if (j - start > 9)
        {
            min = int.MaxValue;
        }

        if (p[j] == '}')
        {
            max = min;
            length = j + 1 - i;
            return true;
        }

        if (p[j] != ',')
        {
            return false;
        }

        j++;
        start = j;
        while (j < p.Length && char.IsAsciiDigit(p[j]))
        {
            j++;
        }

        if (j >= p.Length || p[j] != '}')
        {
            return false;
        }

        max = j == start ? -1 : j - start > 9 ? int.MaxValue : int.Parse(p.AsSpan(start, j - start), System.Globalization.CultureInfo.InvariantCulture);
        length = j + 1 - i;
        return true;
    }

    // Go's escapes: punctuation, octal \0 \1-\7 followed by octal digits, \x, \p \P, the Perl
    // classes, \b \B \A \z, controls, \Q…\E (and \C, which the translation rejects).
    private static string? CheckEscape(string p, int i, out int length)
    {
        length = 2;
        if (i + 1 >= p.Length)
        {
            return "error parsing regexp: trailing backslash at end of expression: ``";
        }

        var c = p[i + 1];
        if (c < 0x80 && !char.IsAsciiLetterOrDigit(c))
        {
            return null;
        }

        switch (c)
        {
            case >= '1' and <= '7' when i + 2 < p.Length && p[i + 2] is >= '0' and <= '7':
            case '0':
                // Octal: up to two more digits.
                var j = i + 2;
                while (j < p.Length && j < i + 4 && p[j] is >= '0' and <= '7')
                {
                    j++;
                }

                length = j - i;
                return null;
            case 'x':
                if (i + 2 < p.Length && p[i + 2] == '{')
                {
                    var close = p.IndexOf('}', i + 3);
                    length = close < 0 ? p.Length - i : close + 1 - i;
                }
                else
                {
                    length = Math.Min(4, p.Length - i);
                }

                return null;
            case 'p' or 'P':
                {
                    string name;
                    if (i + 2 < p.Length && p[i + 2] == '{')
                    {
                        var close = p.IndexOf('}', i + 3);
                        if (close < 0)
                        {
                            return Error("invalid character class range", p[i..]);
                        }

                        length = close + 1 - i;
                        name = p[(i + 3)..close].TrimStart('^');
                    }
                    else
                    {
                        length = Math.Min(3, p.Length - i);
                        name = p.Substring(i + 2, length - 2);
                    }

                    if (Categories.Contains(name))
                    {
                        return null;
                    }

                    // Go knows the Unicode scripts too (\p{Greek}); .NET's engine has no script classes.
                    return name.Length > 1 && char.IsAsciiLetterUpper(name[0]) && name.All(ch => ch == '_' || char.IsAsciiLetter(ch))
                        ? $"error parsing regexp: Unicode script classes are not supported: `{p.Substring(i, length)}`"
                        : Error("invalid character class range", p.Substring(i, length));
                }

            case 'Q':
                var end = p.IndexOf(@"\E", i + 2, StringComparison.Ordinal);
                length = end < 0 ? p.Length - i : end + 2 - i;
                return null;
            case 'a' or 'f' or 'n' or 'r' or 't' or 'v' or 'd' or 'D' or 's' or 'S' or 'w' or 'W' or 'b' or 'B' or 'A' or 'z' or 'C':
                return null;
            default:
                var rune = char.IsHighSurrogate(c) && i + 2 < p.Length ? p.Substring(i + 1, 2) : c.ToString();
                return Error("invalid escape sequence", "\\" + rune);
        }
    }

    // A class [...]: Go's missing-bracket fragment is the class to the end; ranges must ascend.
    private static string? CheckClass(string p, int start, out int end)
    {
        var i = start + 1;
        if (i < p.Length && p[i] == '^')
        {
            i++;
        }

        var first = true;
        while (i < p.Length && (p[i] != ']' || first))
        {
            first = false;
            if (p[i] == '[' && i + 1 < p.Length && p[i + 1] == ':')
            {
                var close = p.IndexOf(":]", i + 2, StringComparison.Ordinal);
                if (close > 0)
                {
                    i = close + 2;
                    continue;
                }
            }

            var loPos = i;
            var lo = ReadClassChar(p, ref i, out var loError);
            if (loError is not null)
            {
                end = i;
                return loError;
            }

            if (i + 1 < p.Length && p[i] == '-' && p[i + 1] != ']' && lo >= 0)
            {
                i++;
                var hi = ReadClassChar(p, ref i, out var hiError);
                if (hiError is not null)
                {
                    end = i;
                    return hiError;
                }

                if (hi >= 0 && hi < lo)
                {
                    end = i;
                    return Error("invalid character class range", p[loPos..i]);
                }
            }
        }

        if (i >= p.Length)
        {
            end = p.Length;
            return Error("missing closing ]", p[start..]);
        }

        end = i + 1;
        return null;
    }

    // One class member: a character or an escape; -1 for a multi-character escape (\d, \pL, …).
    private static int ReadClassChar(string p, ref int i, out string? error)
    {
        error = null;
        if (p[i] != '\\')
        {
            int r = p[i];
            if (char.IsHighSurrogate(p[i]) && i + 1 < p.Length)
            {
                r = char.ConvertToUtf32(p[i], p[i + 1]);
                i++;
            }

            i++;
            return r;
        }

        error = CheckEscape(p, i, out var length);
        var c = i + 1 < p.Length ? p[i + 1] : '\0';
        i += length;
        return c < 0x80 && !char.IsAsciiLetterOrDigit(c) ? c : c switch
        {
            'n' => '\n',
            't' => '\t',
            'r' => '\r',
            'f' => '\f',
            'v' => '\v',
            'a' => '\a',
            _ => -1,
        };
    }

    // (?flags), (?flags:, (?P<name>, (?<name>; anything else (lookarounds, (?#, …) is Go's Perl-op error.
    private static string? CheckGroupFlags(string p, int i, out int length, out bool opensGroup)
    {
        length = 2;
        opensGroup = true;
        var j = i + 2;
        if (j < p.Length && (p[j] == '<' || (p[j] == 'P' && j + 1 < p.Length && p[j + 1] == '<')))
        {
            var nameStart = p[j] == 'P' ? j + 2 : j + 1;
            var close = p.IndexOf('>', nameStart);
            if (close < 0)
            {
                return Error("invalid named capture", p[i..]);
            }

            var name = p[nameStart..close];
            if (name.Length == 0 || !name.All(ch => ch == '_' || char.IsAsciiLetterOrDigit(ch)))
            {
                return Error("invalid named capture", p[i..(close + 1)]);
            }

            length = close + 1 - i;
            return null;
        }

        var sawFlag = false;
        var negated = false;
        for (; j < p.Length; j++)
        {
            switch (p[j])
            {
                case 'i' or 'm' or 's' or 'U':
                    sawFlag = true;
                    continue;
                case '-' when !negated:
                    negated = true;
                    sawFlag = false;
                    continue;
                case ')' or ':' when sawFlag || !negated:
                    if (p[j] == ')' && !sawFlag && !negated)
                    {
                        break; // "(?)" is invalid
                    }

                    length = j + 1 - i;
                    opensGroup = p[j] == ':';
                    return null;
            }

            break;
        }

        var fragmentEnd = Math.Min(j + 1, p.Length);
        return Error("invalid or unsupported Perl syntax", p[i..fragmentEnd]);
    }
}
