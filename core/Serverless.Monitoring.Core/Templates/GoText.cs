using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Go's string helpers that template functions are made of: <c>template.HTMLEscapeString</c>,
/// <c>JSEscapeString</c>, <c>url.QueryEscape</c>, <c>strings.Title</c> and x/text's
/// <c>cases.Title</c>, <c>strings.ToUpper</c>/<c>ToLower</c>, <c>net.SplitHostPort</c>,
/// <c>JoinHostPort</c> and <c>ParseIP</c>.
/// </summary>
public static class GoText
{
    private const string UpperHex = "0123456789ABCDEF";

    private static readonly System.Buffers.SearchValues<char> HtmlSpecial = System.Buffers.SearchValues.Create("'\"&<>\0");

    /// <summary>Go's <c>template.HTMLEscapeString</c>.</summary>
    public static string HtmlEscape(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.AsSpan().IndexOfAny(HtmlSpecial) < 0)
        {
            return s;
        }

        var sb = new StringBuilder(s.Length + 16);
        foreach (var c in s)
        {
            sb.Append(c switch
            {
                '\0' => "\uFFFD",
                '"' => "&#34;",
                '\'' => "&#39;",
                '&' => "&amp;",
                '<' => "&lt;",
                '>' => "&gt;",
                _ => null,
            } ?? c.ToString());
        }

        return sb.ToString();
    }

    /// <summary>Go's <c>template.JSEscapeString</c>.</summary>
    public static string JsEscape(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length + 16);
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '\\': sb.Append(@"\\"); continue;
                case '\'': sb.Append(@"\'"); continue;
                case '"': sb.Append("\\\""); continue;
                case '<': sb.Append(@"\u003C"); continue;
                case '>': sb.Append(@"\u003E"); continue;
                case '&': sb.Append(@"\u0026"); continue;
                case '=': sb.Append(@"\u003D"); continue;
            }

            if (c < ' ')
            {
                sb.Append(@"\u00").Append(UpperHex[c >> 4]).Append(UpperHex[c & 0xF]);
                continue;
            }

            if (c < 0x80)
            {
                sb.Append(c);
                continue;
            }

            var r = (int)c;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                r = char.ConvertToUtf32(c, s[++i]);
            }
            else if (char.IsSurrogate(c))
            {
                r = 0xFFFD;
            }

            if (GoStrconv.IsPrint(r))
            {
                GoStrconv.AppendRune(sb, r);
            }
            else
            {
                sb.Append(@"\u").Append(r.ToString("X4", CultureInfo.InvariantCulture));
            }
        }

        return sb.ToString();
    }

    /// <summary>Go's <c>url.QueryEscape</c>: UTF-8 bytes percent-encoded except <c>A-Z a-z 0-9 - _ . ~</c>, spaces as <c>+</c>.</summary>
    public static string QueryEscape(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length + 16);
        foreach (var b in Encoding.UTF8.GetBytes(s))
        {
            if (char.IsAsciiLetterOrDigit((char)b) || b is (byte)'-' or (byte)'_' or (byte)'.' or (byte)'~')
            {
                sb.Append((char)b);
            }
            else if (b == ' ')
            {
                sb.Append('+');
            }
            else
            {
                sb.Append('%').Append(UpperHex[b >> 4]).Append(UpperHex[b & 0xF]);
            }
        }

        return sb.ToString();
    }

    /// <summary>Go's <c>strings.ToUpper</c>: Unicode's simple case mapping, dotless ı to I included.</summary>
    public static string ToUpper(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var upper = s.ToUpperInvariant();

        // .NET's invariant casing leaves the Turkish dotless i alone; Unicode (and Go) map it.
        return upper.Contains('\u0131', StringComparison.Ordinal) ? upper.Replace('\u0131', 'I') : upper;
    }

    /// <summary>Go's <c>strings.ToLower</c>: Unicode's simple case mapping, dotted İ to i included.</summary>
    public static string ToLower(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var lower = s.ToLowerInvariant();
        return lower.Contains('\u0130', StringComparison.Ordinal) ? lower.Replace('\u0130', 'i') : lower;
    }

    /// <summary>
    /// Go's deprecated <c>strings.Title</c> (Prometheus 2's <c>title</c>): the first letter after
    /// a separator (anything but a letter, digit or underscore, but only spaces outside ASCII)
    /// in title case.
    /// </summary>
    public static string LegacyTitle(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length);
        var prev = (int)' ';
        foreach (var r in Runes(s))
        {
            if (IsLegacySeparator(prev))
            {
                AppendSimpleTitle(sb, r);
            }
            else
            {
                GoStrconv.AppendRune(sb, r);
            }

            prev = r;
        }

        return sb.ToString();
    }

    private static bool IsLegacySeparator(int r)
    {
        if (r <= 0x7F)
        {
            return !(char.IsAsciiLetterOrDigit((char)r) || r == '_');
        }

        var rune = new Rune(r);
        return !Rune.IsLetter(rune) && !Rune.IsDigit(rune) && Rune.IsWhiteSpace(rune);
    }

    /// <summary>
    /// x/text's <c>cases.Title(language.AmericanEnglish, cases.NoLower)</c> (Prometheus 3's
    /// <c>title</c>): the first cased letter of each word in title case (<c>ß</c> becomes
    /// <c>Ss</c>), the rest unchanged. Words break as x/text breaks them (Unicode word-break
    /// classes): digits, <c>_</c>, <c>'</c>, <c>.</c> and <c>:</c> do not end a word, two of
    /// <c>' . :</c> in a row do, and so does anything else that is not part of a word.
    /// </summary>
    public static string Title(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length);
        var midWord = false;
        var wasMid = false;
        foreach (var r in Runes(s))
        {
            var mid = IsWordMid(r);
            if (wasMid && mid)
            {
                midWord = false;
            }

            if (IsCased(r))
            {
                if (!midWord)
                {
                    AppendFullTitle(sb, r);
                    midWord = true;
                }
                else
                {
                    GoStrconv.AppendRune(sb, r);
                }
            }
            else
            {
                GoStrconv.AppendRune(sb, r);
                if (!mid && IsWordBreak(r))
                {
                    midWord = false;
                }
            }

            wasMid = mid;
        }

        return sb.ToString();
    }

    private static IEnumerable<int> Runes(string s)
    {
        for (var i = 0; i < s.Length; i++)
        {
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                yield return char.ConvertToUtf32(s[i], s[i + 1]);
                i++;
            }
            else
            {
                yield return char.IsSurrogate(s[i]) ? 0xFFFD : s[i];
            }
        }
    }

    private static bool IsCased(int r)
    {
        var rune = new Rune(r);
        return Rune.GetUnicodeCategory(rune) is UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
            || Rune.ToUpperInvariant(rune) != rune
            || Rune.ToLowerInvariant(rune) != rune;
    }

    // Word_Break MidLetter, MidNumLet and Single_Quote.
    private static bool IsWordMid(int r) => r is '\'' or '.' or ':' or 0xB7 or 0x387 or 0x55F or 0x5F4 or 0x2018 or 0x2019
        or 0x2024 or 0x2027 or 0xFE13 or 0xFE52 or 0xFE55 or 0xFF07 or 0xFF0E or 0xFF1A;

    // Not ALetter, Hebrew_Letter, Numeric, Extend, ExtendNumLet, Format or ZWJ.
    private static bool IsWordBreak(int r)
    {
        if (r == 0x200D || r == 0x202F)
        {
            return false;
        }

        var category = Rune.GetUnicodeCategory(new Rune(r));
        switch (category)
        {
            case UnicodeCategory.NonSpacingMark or UnicodeCategory.EnclosingMark or UnicodeCategory.SpacingCombiningMark
                or UnicodeCategory.Format or UnicodeCategory.ConnectorPunctuation or UnicodeCategory.DecimalDigitNumber:
                return false;
            case UnicodeCategory.UppercaseLetter or UnicodeCategory.LowercaseLetter or UnicodeCategory.TitlecaseLetter
                or UnicodeCategory.ModifierLetter or UnicodeCategory.OtherLetter:
                // Letters of scripts without spaces between words (Thai, kana, ideographs) are not ALetter.
                return r is (>= 0x0E00 and <= 0x0EFF) or (>= 0x1000 and <= 0x109F) or (>= 0x1780 and <= 0x17FF)
                    or (>= 0x3040 and <= 0x30FF) or (>= 0x31F0 and <= 0x31FF) or (>= 0x3400 and <= 0x4DBF)
                    or (>= 0x4E00 and <= 0x9FFF) or (>= 0xF900 and <= 0xFAFF) or (>= 0xFF66 and <= 0xFF9F) or >= 0x20000;
            default:
                return true;
        }
    }

    private static void AppendSimpleTitle(StringBuilder sb, int r)
    {
        var digraph = DigraphTitle(r);
        if (digraph != 0)
        {
            sb.Append((char)digraph);
            return;
        }

        GoStrconv.AppendRune(sb, r == 0x131 ? 'I' : r < 0x10000 ? char.ToUpperInvariant((char)r) : Rune.ToUpperInvariant(new Rune(r)).Value);
    }

    private static void AppendFullTitle(StringBuilder sb, int r)
    {
        var special = r switch
        {
            0xDF => "Ss",
            0xFB00 => "Ff",
            0xFB01 => "Fi",
            0xFB02 => "Fl",
            0xFB03 => "Ffi",
            0xFB04 => "Ffl",
            0xFB05 or 0xFB06 => "St",
            0x149 => "\u02BCN",
            _ => null,
        };
        if (special is not null)
        {
            sb.Append(special);
            return;
        }

        AppendSimpleTitle(sb, r);
    }

    // The Latin digraphs, whose title case is neither upper nor lower: Ǆ ǅ ǆ → ǅ and the like.
    private static int DigraphTitle(int r) => r switch
    {
        >= 0x1C4 and <= 0x1C6 => 0x1C5,
        >= 0x1C7 and <= 0x1C9 => 0x1C8,
        >= 0x1CA and <= 0x1CC => 0x1CB,
        >= 0x1F1 and <= 0x1F3 => 0x1F2,
        _ => 0,
    };

    /// <summary>
    /// Go's <c>net.SplitHostPort</c>: <c>host:port</c>, <c>[v6]:port</c>; false with Go's reason
    /// (<c>missing port in address</c>, <c>too many colons in address</c>, …).
    /// </summary>
    public static bool TrySplitHostPort(string hostPort, out string host, out string port, out string? error)
    {
        ArgumentNullException.ThrowIfNull(hostPort);
        host = port = string.Empty;
        error = null;
        var i = hostPort.LastIndexOf(':');
        if (i < 0)
        {
            error = "missing port in address";
            return false;
        }

        int j = 0, k = 0;
        if (hostPort.Length > 0 && hostPort[0] == '[')
        {
            var end = hostPort.IndexOf(']', StringComparison.Ordinal);
            if (end < 0)
            {
                error = "missing ']' in address";
                return false;
            }

            if (end + 1 == hostPort.Length)
            {
                error = "missing port in address";
                return false;
            }

            if (end + 1 != i)
            {
                error = hostPort[end + 1] == ':' ? "too many colons in address" : "missing port in address";
                return false;
            }

            host = hostPort[1..end];
            j = 1;
            k = end + 1;
        }
        else
        {
            host = hostPort[..i];
            if (host.Contains(':', StringComparison.Ordinal))
            {
                error = "too many colons in address";
                host = string.Empty;
                return false;
            }
        }

        if (hostPort.IndexOf('[', j) >= 0)
        {
            error = "unexpected '[' in address";
            host = string.Empty;
            return false;
        }

        if (hostPort.IndexOf(']', k) >= 0)
        {
            error = "unexpected ']' in address";
            host = string.Empty;
            return false;
        }

        port = hostPort[(i + 1)..];
        return true;
    }

    /// <summary>Go's <c>net.JoinHostPort</c>: brackets around a host with a colon.</summary>
    public static string JoinHostPort(string host, string port)
    {
        ArgumentNullException.ThrowIfNull(host);
        return host.Contains(':', StringComparison.Ordinal) ? $"[{host}]:{port}" : $"{host}:{port}";
    }

    /// <summary>True when Go's <c>net.ParseIP</c> accepts <paramref name="s"/>: dotted IPv4 without leading zeros, or IPv6 without a zone.</summary>
    public static bool IsIP(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        if (s.Contains(':', StringComparison.Ordinal))
        {
            if (s.Contains('%', StringComparison.Ordinal) || s.Contains('[', StringComparison.Ordinal))
            {
                return false;
            }

            if (!IPAddress.TryParse(s, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                return false;
            }

            // An embedded IPv4 tail must itself be strict dotted decimal.
            var lastColon = s.LastIndexOf(':');
            var tail = s[(lastColon + 1)..];
            return !tail.Contains('.', StringComparison.Ordinal) || IsIPv4(tail);
        }

        return IsIPv4(s);
    }

    private static bool IsIPv4(string s)
    {
        var parts = s.Split('.');
        if (parts.Length != 4)
        {
            return false;
        }

        foreach (var p in parts)
        {
            if (p.Length is 0 or > 3 || !p.All(char.IsAsciiDigit) || (p.Length > 1 && p[0] == '0') || int.Parse(p, CultureInfo.InvariantCulture) > 255)
            {
                return false;
            }
        }

        return true;
    }
}
