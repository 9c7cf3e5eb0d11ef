using System.Globalization;
using System.Numerics;
using System.Text;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// The parts of Go's <c>strconv</c> templates need: <c>FormatFloat</c> with any precision
/// (shortest digits from <see cref="ShortestDecimal"/>, fixed precision from the exact binary
/// value, rounded half to even as Go does), <c>Quote</c>, <c>Unquote</c>, <c>ParseFloat</c> and
/// the integer parsing of template number literals.
/// </summary>
public static class GoStrconv
{
    private const string LowerHex = "0123456789abcdef";
    private const string UpperHex = "0123456789ABCDEF";

    /// <summary>
    /// Go's <c>strconv.FormatFloat(value, format, precision, 64)</c> for formats
    /// <c>b e E f g G x X</c>; a negative precision means the shortest exact representation.
    /// </summary>
    public static string FormatFloat(double value, char format, int precision)
    {
        var sb = new StringBuilder(24);
        AppendFloat(sb, value, format, precision);
        return sb.ToString();
    }

    /// <summary><see cref="FormatFloat"/> appended to <paramref name="sb"/>.</summary>
    public static void AppendFloat(StringBuilder sb, double value, char format, int precision)
    {
        ArgumentNullException.ThrowIfNull(sb);
        if (double.IsNaN(value))
        {
            sb.Append("NaN");
            return;
        }

        if (double.IsInfinity(value))
        {
            sb.Append(value > 0 ? "+Inf" : "-Inf");
            return;
        }

        var neg = double.IsNegative(value);
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var biased = (int)((bits >> 52) & 0x7FF);
        var mant = bits & ((1UL << 52) - 1);
        var exp = biased == 0 ? -1022 : biased - 1023;
        if (biased != 0)
        {
            mant |= 1UL << 52;
        }

        switch (format)
        {
            case 'b':
                if (neg)
                {
                    sb.Append('-');
                }

                sb.Append(mant.ToString(CultureInfo.InvariantCulture)).Append('p');
                var e2 = exp - 52;
                if (e2 >= 0)
                {
                    sb.Append('+');
                }

                sb.Append(e2.ToString(CultureInfo.InvariantCulture));
                return;
            case 'x' or 'X':
                AppendHex(sb, neg, mant, exp, precision, format);
                return;
            case 'e' or 'E' or 'f' or 'g' or 'G':
                break;
            default:
                sb.Append('%').Append(format);
                return;
        }

        var shortest = precision < 0;
        Digits digits;
        if (shortest)
        {
            digits = Digits.Shortest(value);
            precision = format switch
            {
                'e' or 'E' => Math.Max(digits.Count - 1, 0),
                'f' => Math.Max(digits.Count - digits.Point, 0),
                _ => digits.Count,
            };
        }
        else
        {
            if (format is 'g' or 'G' && precision == 0)
            {
                precision = 1;
            }

            // For a normal double and at most 15 digits, rounding the shortest digits gives the exact
            // value's rounding: a shorter decimal cannot lie between the two (it would be the
            // shortest), and 15 digits are finer than the double. Not when the shortest digits end on
            // a tie, or are a power of ten (the exact value may have one integer digit less); then,
            // and for subnormals, the exact digits.
            var normal = Math.Abs(value) >= 2.2250738585072014e-308;
            digits = normal ? Digits.Shortest(value) : Digits.Exact(mant, exp - 52);
            var n = format switch
            {
                'e' or 'E' => precision + 1,
                'f' => digits.Point + precision,
                _ => precision,
            };
            if (normal && (n > 15 || digits.IsTieAt(n) || (format == 'f' && digits.IsPowerOfTen)))
            {
                digits = Digits.Exact(mant, exp - 52);
                n = format == 'f' ? digits.Point + precision : n;
            }

            digits.Round(n);
        }

        switch (format)
        {
            case 'e' or 'E':
                AppendE(sb, neg, digits, precision, format);
                return;
            case 'f':
                AppendF(sb, neg, digits, precision);
                return;
        }

        // %g: %e when the exponent is below -4 or at least the precision (6 for shortest).
        var eprec = precision;
        if (eprec > digits.Count && digits.Count >= digits.Point)
        {
            eprec = digits.Count;
        }

        if (shortest)
        {
            eprec = 6;
        }

        var exponent = digits.Point - 1;
        if (exponent < -4 || exponent >= eprec)
        {
            if (precision > digits.Count)
            {
                precision = digits.Count;
            }

            AppendE(sb, neg, digits, precision - 1, format == 'g' ? 'e' : 'E');
            return;
        }

        if (precision > digits.Point)
        {
            precision = digits.Count;
        }

        AppendF(sb, neg, digits, Math.Max(precision - digits.Point, 0));
    }

    private static void AppendE(StringBuilder sb, bool neg, Digits d, int precision, char format)
    {
        if (neg)
        {
            sb.Append('-');
        }

        sb.Append(d.Count == 0 ? '0' : d[0]);
        if (precision > 0)
        {
            sb.Append('.');
            var i = 1;
            for (; i < Math.Min(d.Count, precision + 1); i++)
            {
                sb.Append(d[i]);
            }

            sb.Append('0', Math.Max(precision + 1 - i, 0));
        }

        sb.Append(format);
        var exp = d.Count == 0 ? 0 : d.Point - 1;
        sb.Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        if (exp < 10)
        {
            sb.Append('0');
        }

        sb.Append(exp.ToString(CultureInfo.InvariantCulture));
    }

    private static void AppendF(StringBuilder sb, bool neg, Digits d, int precision)
    {
        if (neg)
        {
            sb.Append('-');
        }

        if (d.Point > 0)
        {
            var m = Math.Min(d.Count, d.Point);
            for (var i = 0; i < m; i++)
            {
                sb.Append(d[i]);
            }

            sb.Append('0', d.Point - m);
        }
        else
        {
            sb.Append('0');
        }

        if (precision > 0)
        {
            sb.Append('.');
            for (var i = 0; i < precision; i++)
            {
                var j = d.Point + i;
                sb.Append(j >= 0 && j < d.Count ? d[j] : '0');
            }
        }
    }

    // %x of a float: 0x1.fffp+10, the mantissa normalized to a leading 1, rounded half to even.
    private static void AppendHex(StringBuilder sb, bool neg, ulong mant, int exp, int precision, char format)
    {
        if (mant == 0)
        {
            exp = 0;
        }

        mant <<= 60 - 52;
        while (mant != 0 && (mant & (1UL << 60)) == 0)
        {
            mant <<= 1;
            exp--;
        }

        if (precision is >= 0 and < 15)
        {
            var shift = precision * 4;
            var extra = (mant << shift) & ((1UL << 60) - 1);
            mant >>= 60 - shift;
            if ((extra | (mant & 1)) > 1UL << 59)
            {
                mant++;
            }

            mant <<= 60 - shift;
            if ((mant & (1UL << 61)) != 0)
            {
                mant >>= 1;
                exp++;
            }
        }

        var hex = format == 'X' ? UpperHex : LowerHex;
        if (neg)
        {
            sb.Append('-');
        }

        sb.Append('0').Append(format).Append((char)('0' + (int)((mant >> 60) & 1)));
        mant <<= 4;
        if (precision < 0 && mant != 0)
        {
            sb.Append('.');
            while (mant != 0)
            {
                sb.Append(hex[(int)((mant >> 60) & 15)]);
                mant <<= 4;
            }
        }
        else if (precision > 0)
        {
            sb.Append('.');
            for (var i = 0; i < precision; i++)
            {
                sb.Append(hex[(int)((mant >> 60) & 15)]);
                mant <<= 4;
            }
        }

        sb.Append(format == 'X' ? 'P' : 'p').Append(exp < 0 ? '-' : '+');
        exp = Math.Abs(exp);
        if (exp < 10)
        {
            sb.Append('0');
        }

        sb.Append(exp.ToString(CultureInfo.InvariantCulture));
    }

    /// <summary>Go's <c>strconv.Quote</c> (or <c>QuoteToASCII</c>): a double-quoted Go string literal.</summary>
    public static string Quote(string s, bool asciiOnly = false)
    {
        ArgumentNullException.ThrowIfNull(s);
        var sb = new StringBuilder(s.Length + 2);
        AppendQuoted(sb, s, '"', asciiOnly);
        return sb.ToString();
    }

    /// <summary>Go's <c>strconv.QuoteRune</c> (or <c>QuoteRuneToASCII</c>).</summary>
    public static string QuoteRune(int rune, bool asciiOnly = false)
    {
        if (rune is < 0 or > 0x10FFFF or (>= 0xD800 and <= 0xDFFF))
        {
            rune = 0xFFFD;
        }

        var sb = new StringBuilder(8);
        sb.Append('\'');
        AppendEscapedRune(sb, rune, '\'', asciiOnly);
        sb.Append('\'');
        return sb.ToString();
    }

    /// <summary>Go's <c>strconv.CanBackquote</c>: no control characters other than tab, no backquote, no U+FEFF.</summary>
    public static bool CanBackquote(string s)
    {
        ArgumentNullException.ThrowIfNull(s);
        foreach (var c in s)
        {
            if ((c < ' ' && c != '\t') || c is '`' or '\u007F' or '\uFEFF')
            {
                return false;
            }
        }

        return true;
    }

    private static void AppendQuoted(StringBuilder sb, string s, char quote, bool asciiOnly)
    {
        sb.Append(quote);
        for (var i = 0; i < s.Length; i++)
        {
            int rune = s[i];
            if (char.IsHighSurrogate(s[i]) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                rune = char.ConvertToUtf32(s[i], s[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(s[i]))
            {
                rune = 0xFFFD;
            }

            AppendEscapedRune(sb, rune, quote, asciiOnly);
        }

        sb.Append(quote);
    }

    /// <summary>One code point inside a Go quoted literal, as <c>strconv.appendEscapedRune</c> (also label formatting's).</summary>
    internal static void AppendEscapedRune(StringBuilder sb, int r, char quote, bool asciiOnly)
    {
        if (r == quote || r == '\\')
        {
            sb.Append('\\').Append((char)r);
            return;
        }

        if (asciiOnly ? r < 0x80 && IsPrint(r) : IsPrint(r))
        {
            AppendRune(sb, r);
            return;
        }

        switch (r)
        {
            case '\a': sb.Append("\\a"); return;
            case '\b': sb.Append("\\b"); return;
            case '\f': sb.Append("\\f"); return;
            case '\n': sb.Append("\\n"); return;
            case '\r': sb.Append("\\r"); return;
            case '\t': sb.Append("\\t"); return;
            case '\v': sb.Append("\\v"); return;
        }

        if (r < ' ' || r == 0x7F)
        {
            sb.Append("\\x").Append(LowerHex[r >> 4]).Append(LowerHex[r & 0xF]);
        }
        else if (r < 0x10000)
        {
            sb.Append("\\u");
            for (var s = 12; s >= 0; s -= 4)
            {
                sb.Append(LowerHex[(r >> s) & 0xF]);
            }
        }
        else
        {
            sb.Append("\\U");
            for (var s = 28; s >= 0; s -= 4)
            {
                sb.Append(LowerHex[(r >> s) & 0xF]);
            }
        }
    }

    /// <summary>Appends a code point as UTF-16.</summary>
    internal static void AppendRune(StringBuilder sb, int r)
    {
        if (r < 0x10000)
        {
            sb.Append((char)r);
        }
        else
        {
            sb.Append(char.ConvertFromUtf32(r));
        }
    }

    /// <summary>Go's <c>unicode.IsPrint</c>: letters, marks, numbers, punctuation, symbols and the ASCII space.</summary>
    public static bool IsPrint(int r)
    {
        if (r < 0x80)
        {
            return r is >= 0x20 and < 0x7F;
        }

        if (r > 0x10FFFF || (r is >= 0xD800 and <= 0xDFFF))
        {
            return false;
        }

        return Rune.GetUnicodeCategory(new Rune(r)) switch
        {
            UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.Surrogate or UnicodeCategory.PrivateUse
                or UnicodeCategory.OtherNotAssigned or UnicodeCategory.SpaceSeparator or UnicodeCategory.LineSeparator
                or UnicodeCategory.ParagraphSeparator => false,
            _ => true,
        };
    }

    /// <summary>
    /// Go's <c>strconv.Unquote</c> for a double-quoted, back-quoted or single-quoted literal (the
    /// last must hold one character); false with Go's error text (<c>invalid syntax</c>).
    /// </summary>
    public static bool TryUnquote(string literal, out string value, out string error)
    {
        ArgumentNullException.ThrowIfNull(literal);
        value = string.Empty;
        error = "invalid syntax";
        if (literal.Length < 2)
        {
            return false;
        }

        var quote = literal[0];
        if (quote != literal[^1])
        {
            return false;
        }

        var body = literal.AsSpan(1, literal.Length - 2);
        if (quote == '`')
        {
            if (body.Contains('`'))
            {
                return false;
            }

            // Go drops carriage returns from raw strings.
            value = body.Contains('\r') ? body.ToString().Replace("\r", string.Empty, StringComparison.Ordinal) : body.ToString();
            return true;
        }

        if (quote is not ('"' or '\''))
        {
            return false;
        }

        if (quote == '"' && !body.Contains('\\') && !body.Contains('"') && !body.Contains('\n'))
        {
            value = body.ToString();
            return true;
        }

        var sb = new StringBuilder(body.Length);
        var count = 0;
        var i = 0;
        while (i < body.Length)
        {
            if (quote == '\'' && count > 0)
            {
                return false;
            }

            if (body[i] == '\n' || !TryUnquoteChar(body, ref i, quote, out var rune, out var isByte))
            {
                return false;
            }

            // A byte escape above 0x7F would make invalid UTF-8 in Go; a .NET string holds U+FFFD there.
            AppendRune(sb, isByte && rune >= 0x80 ? 0xFFFD : rune);

            count++;
        }

        if (quote == '\'' && count != 1)
        {
            return false;
        }

        value = sb.ToString();
        return true;
    }

    /// <summary>
    /// Go's <c>strconv.UnquoteChar</c>: one (possibly escaped) character at <paramref name="i"/>.
    /// <paramref name="value"/> is the code point, or the byte value of a <c>\x</c> or octal escape
    /// (<paramref name="isByte"/>), which a .NET string can only hold when below 0x80.
    /// </summary>
    internal static bool TryUnquoteChar(ReadOnlySpan<char> s, ref int i, char quote, out int value, out bool isByte)
    {
        value = 0;
        isByte = false;
        var c = s[i];
        if (c == quote && quote is '\'' or '"')
        {
            return false;
        }

        if (c != '\\')
        {
            value = c;
            if (char.IsHighSurrogate(c) && i + 1 < s.Length && char.IsLowSurrogate(s[i + 1]))
            {
                value = char.ConvertToUtf32(c, s[i + 1]);
                i++;
            }

            i++;
            return true;
        }

        if (i + 1 >= s.Length)
        {
            return false;
        }

        c = s[i + 1];
        i += 2;
        switch (c)
        {
            case 'a': value = '\a'; return true;
            case 'b': value = '\b'; return true;
            case 'f': value = '\f'; return true;
            case 'n': value = '\n'; return true;
            case 'r': value = '\r'; return true;
            case 't': value = '\t'; return true;
            case 'v': value = '\v'; return true;
            case '\\': value = '\\'; return true;
            case '\'' or '"':
                value = c;
                return c == quote;
            case 'x' or 'u' or 'U':
                {
                    var n = c == 'x' ? 2 : c == 'u' ? 4 : 8;
                    if (i + n > s.Length)
                    {
                        return false;
                    }

                    var v = 0;
                    for (var k = 0; k < n; k++)
                    {
                        var h = HexValue(s[i + k]);
                        if (h < 0)
                        {
                            return false;
                        }

                        v = (v << 4) | h;
                    }

                    i += n;
                    value = v;
                    isByte = c == 'x';
                    return isByte || !(v > 0x10FFFF || v is >= 0xD800 and <= 0xDFFF);
                }

            case >= '0' and <= '7':
                {
                    var v = c - '0';
                    if (i + 2 > s.Length)
                    {
                        return false;
                    }

                    for (var k = 0; k < 2; k++)
                    {
                        var d = s[i + k] - '0';
                        if (d is < 0 or > 7)
                        {
                            return false;
                        }

                        v = (v << 3) | d;
                    }

                    i += 2;
                    value = v;
                    isByte = true;
                    return v <= 255;
                }

            default:
                return false;
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>
    /// Go's <c>strconv.ParseFloat(s, 64)</c>: decimal and hexadecimal (<c>0x1.8p3</c>) forms,
    /// underscores between digits, <c>inf</c>, <c>infinity</c> and <c>nan</c> in any case. A
    /// value too large is ±Inf with a <c>value out of range</c> error, as in Go.
    /// </summary>
    public static bool TryParseFloat(string s, out double value, out string? error)
    {
        ArgumentNullException.ThrowIfNull(s);
        value = 0;
        error = null;
        if (ParseFloatCore(s, out value, out var outOfRange))
        {
            if (outOfRange)
            {
                error = $"strconv.ParseFloat: parsing {Quote(s)}: value out of range";
                return false;
            }

            return true;
        }

        error = $"strconv.ParseFloat: parsing {Quote(s)}: invalid syntax";
        return false;
    }

    private static bool ParseFloatCore(string s, out double value, out bool outOfRange)
    {
        value = 0;
        outOfRange = false;
        if (s.Length == 0)
        {
            return false;
        }

        var i = 0;
        var neg = false;
        if (s[0] is '+' or '-')
        {
            neg = s[0] == '-';
            i = 1;
        }

        var rest = s.AsSpan(i);
        if (rest.Equals("inf", StringComparison.OrdinalIgnoreCase) || rest.Equals("infinity", StringComparison.OrdinalIgnoreCase))
        {
            value = neg ? double.NegativeInfinity : double.PositiveInfinity;
            return true;
        }

        if (i == 0 && rest.Equals("nan", StringComparison.OrdinalIgnoreCase))
        {
            value = double.NaN;
            return true;
        }

        if (!UnderscoresOk(s))
        {
            return false;
        }

        var clean = s.Contains('_', StringComparison.Ordinal) ? s.Replace("_", string.Empty, StringComparison.Ordinal) : s;
        var body = clean.AsSpan(i);
        if (body.Length > 2 && body[0] == '0' && body[1] is 'x' or 'X')
        {
            if (!TryParseHexFloat(body[2..], out value))
            {
                return false;
            }

            outOfRange = double.IsInfinity(value);
            value = neg ? -value : value;
            return true;
        }

        // Decimal: digits, an optional point and fraction, an optional exponent; nothing else.
        var j = 0;
        var sawDigits = false;
        while (j < body.Length && char.IsAsciiDigit(body[j]))
        {
            j++;
            sawDigits = true;
        }

        if (j < body.Length && body[j] == '.')
        {
            j++;
            while (j < body.Length && char.IsAsciiDigit(body[j]))
            {
                j++;
                sawDigits = true;
            }
        }

        if (!sawDigits)
        {
            return false;
        }

        if (j < body.Length && body[j] is 'e' or 'E')
        {
            j++;
            if (j < body.Length && body[j] is '+' or '-')
            {
                j++;
            }

            var start = j;
            while (j < body.Length && char.IsAsciiDigit(body[j]))
            {
                j++;
            }

            if (j == start)
            {
                return false;
            }
        }

        if (j != body.Length)
        {
            return false;
        }

        // .NET parses decimal text correctly rounded; it returns ±Inf where Go reports a range error.
        value = double.Parse(body, NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture);
        outOfRange = double.IsInfinity(value);
        value = neg ? -value : value;
        return true;
    }

    // Hex mantissa with a mandatory binary exponent, e.g. 1.8p3.
    private static bool TryParseHexFloat(ReadOnlySpan<char> s, out double value)
    {
        value = 0;
        var mantissa = BigInteger.Zero;
        var j = 0;
        var sawDigits = false;
        var scale = 0;
        var sawPoint = false;
        for (; j < s.Length; j++)
        {
            if (s[j] == '.' && !sawPoint)
            {
                sawPoint = true;
                continue;
            }

            var h = HexValue(s[j]);
            if (h < 0)
            {
                break;
            }

            mantissa = (mantissa << 4) | h;
            sawDigits = true;
            if (sawPoint)
            {
                scale -= 4;
            }
        }

        if (!sawDigits || j >= s.Length || s[j] is not ('p' or 'P'))
        {
            return false;
        }

        j++;
        var expNeg = false;
        if (j < s.Length && s[j] is '+' or '-')
        {
            expNeg = s[j] == '-';
            j++;
        }

        var start = j;
        var exp = 0;
        while (j < s.Length && char.IsAsciiDigit(s[j]))
        {
            exp = Math.Min((exp * 10) + (s[j] - '0'), 100_000);
            j++;
        }

        if (j == start || j != s.Length)
        {
            return false;
        }

        value = ScaleToDouble(mantissa, scale + (expNeg ? -exp : exp));
        return true;
    }

    // mantissa × 2^exp, rounded once to the nearest double.
    private static double ScaleToDouble(BigInteger mantissa, int exp)
    {
        if (mantissa.IsZero)
        {
            return 0;
        }

        var bits = (int)mantissa.GetBitLength();
        if (bits > 63)
        {
            var drop = bits - 63;
            var sticky = !(mantissa & ((BigInteger.One << drop) - 1)).IsZero;
            mantissa = (mantissa >> drop) | (sticky ? BigInteger.One : BigInteger.Zero);
            exp += drop;
        }

        return Math.ScaleB((double)(ulong)mantissa, exp);
    }

    // Go's underscoreOK: an underscore must follow a digit or base prefix and precede a digit.
    private static bool UnderscoresOk(string s)
    {
        if (!s.Contains('_', StringComparison.Ordinal))
        {
            return true;
        }

        var saw = '^';
        var i = 0;
        if (s.Length >= 1 && s[0] is '-' or '+')
        {
            i++;
        }

        var hex = false;
        if (s.Length - i >= 2 && s[i] == '0' && char.ToLowerInvariant(s[i + 1]) is 'b' or 'o' or 'x')
        {
            hex = char.ToLowerInvariant(s[i + 1]) == 'x';
            i += 2;
            saw = '0';
        }

        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (char.IsAsciiDigit(c) || (hex && char.IsAsciiHexDigit(c)))
            {
                saw = '0';
                continue;
            }

            if (c == '_')
            {
                if (saw != '0')
                {
                    return false;
                }

                saw = '_';
                continue;
            }

            if (saw == '_')
            {
                return false;
            }

            saw = '!';
        }

        return saw != '_';
    }

    /// <summary>
    /// Go's <c>strconv.ParseInt(s, 0, 64)</c> / <c>ParseUint</c>, as the template parser reads
    /// number literals: base prefixes <c>0x 0o 0b</c> and a leading <c>0</c> for octal,
    /// underscores after a prefix or between digits.
    /// </summary>
    internal static bool TryParseInteger(string s, bool signed, out long int64, out ulong uint64)
    {
        int64 = 0;
        uint64 = 0;
        if (s.Length == 0)
        {
            return false;
        }

        var i = 0;
        var neg = false;
        if (s[0] is '+' or '-')
        {
            if (!signed)
            {
                return false;
            }

            neg = s[0] == '-';
            i = 1;
        }

        var numberBase = 10;
        if (s.Length - i >= 2 && s[i] == '0')
        {
            switch (char.ToLowerInvariant(s[i + 1]))
            {
                case 'x': numberBase = 16; i += 2; break;
                case 'o': numberBase = 8; i += 2; break;
                case 'b': numberBase = 2; i += 2; break;
                default: numberBase = 8; i += 1; break;
            }
        }

        var underscores = false;
        var any = false;
        ulong n = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c == '_')
            {
                underscores = true;
                continue;
            }

            var d = HexValue(c);
            if (d < 0 || d >= numberBase)
            {
                return false;
            }

            if (n > (ulong.MaxValue - (ulong)d) / (ulong)numberBase)
            {
                return false;
            }

            n = (n * (ulong)numberBase) + (ulong)d;
            any = true;
        }

        if (!any)
        {
            return false;
        }

        if (underscores && !UnderscoresOk(s))
        {
            return false;
        }

        if (!signed)
        {
            uint64 = n;
            return true;
        }

        if (neg)
        {
            if (n > 1UL << 63)
            {
                return false;
            }

            int64 = unchecked(-(long)n);
            return true;
        }

        if (n > long.MaxValue)
        {
            return false;
        }

        int64 = (long)n;
        return true;
    }

    /// <summary>Decimal digits d₁d₂…dₙ with the point after digit <see cref="Point"/> (may be negative or past the end); no trailing zeros.</summary>
    private struct Digits
    {
        private char[] _d;

        public int Count { get; private set; }

        public int Point { get; private set; }

        public readonly char this[int i] => _d[i];

        public static Digits Shortest(double value)
        {
            if (value == 0)
            {
                return new Digits { _d = [], Count = 0, Point = 0 };
            }

            var s = ShortestDecimal.Of(value);
            var text = s.Significand.ToString(CultureInfo.InvariantCulture).TrimEnd('0');
            var length = ShortestDecimal.DecimalLength(s.Significand);
            return new Digits { _d = text.ToCharArray(), Count = text.Length, Point = length + s.Exponent };
        }

        // The exact decimal expansion of mant × 2^exp.
        public static Digits Exact(ulong mant, int exp)
        {
            if (mant == 0)
            {
                return new Digits { _d = [], Count = 0, Point = 0 };
            }

            string text;
            int point;
            if (exp >= 0)
            {
                text = (new BigInteger(mant) << exp).ToString(CultureInfo.InvariantCulture);
                point = text.Length;
            }
            else
            {
                text = (new BigInteger(mant) * BigInteger.Pow(5, -exp)).ToString(CultureInfo.InvariantCulture);
                point = text.Length + exp;
            }

            var trimmed = text.TrimEnd('0');
            return new Digits { _d = trimmed.ToCharArray(), Count = trimmed.Length, Point = point };
        }

        /// <summary>True when the digits end with a 5 right after digit <paramref name="n"/>: a tie to round.</summary>
        public readonly bool IsTieAt(int n) => n >= 0 && n + 1 == Count && _d[n] == '5';

        public readonly bool IsPowerOfTen => Count == 1 && _d[0] == '1';

        // Go's decimal.Round: to n digits, half to even on an exact tie.
        public void Round(int n)
        {
            if (n < 0 || n >= Count)
            {
                return;
            }

            var up = _d[n] == '5' && n + 1 == Count
                ? n > 0 && (_d[n - 1] - '0') % 2 != 0
                : _d[n] >= '5';
            if (!up)
            {
                Count = n;
                while (Count > 0 && _d[Count - 1] == '0')
                {
                    Count--;
                }

                if (Count == 0)
                {
                    Point = 0;
                }

                return;
            }

            for (var i = n - 1; i >= 0; i--)
            {
                if (_d[i] < '9')
                {
                    _d[i]++;
                    Count = i + 1;
                    return;
                }
            }

            // All nines: 999 → 1000.
            _d[0] = '1';
            Count = 1;
            Point++;
        }
    }
}
