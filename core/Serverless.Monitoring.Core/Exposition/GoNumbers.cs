using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// Number parsing as Prometheus's text parsers do it, on UTF-8 bytes without allocating:
/// Go's <c>strconv.ParseFloat</c> (decimal syntax, <c>inf</c>/<c>infinity</c>/<c>nan</c> in any
/// case, overflow is an error) behind textparse's guard against <c>p</c>, <c>P</c> and <c>_</c>
/// (so hexadecimal floats and digit separators are rejected, as Prometheus rejects them), and
/// <c>strconv.ParseInt</c>. Error texts are Go's.
/// </summary>
internal static class GoNumbers
{
    /// <summary>Exact powers of ten: doubles hold 10^0..10^22 exactly.</summary>
    private static readonly double[] ExactPowersOfTen =
    [
        1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22,
    ];

    /// <summary>textparse's <c>parseFloat</c>: Go's ParseFloat, refusing <c>p</c>, <c>P</c> and <c>_</c> first.</summary>
    public static bool TryParseExpositionFloat(ReadOnlySpan<byte> s, out double value, [NotNullWhen(false)] out string? error)
    {
        if (s.IndexOfAny("pP_"u8) >= 0)
        {
            value = 0;
            error = "unsupported character in float";
            return false;
        }

        return TryParseFloat(s, out value, out error);
    }

    /// <summary>Go's <c>strconv.ParseFloat(s, 64)</c> for decimal and special forms.</summary>
    public static bool TryParseFloat(ReadOnlySpan<byte> s, out double value, [NotNullWhen(false)] out string? error)
    {
        error = null;
        if (TryParseSimpleDecimal(s, out value))
        {
            return true;
        }

        if (TryParseSpecial(s, out value))
        {
            return true;
        }

        if (!IsDecimalSyntax(s))
        {
            error = $"strconv.ParseFloat: parsing {LabelFormatting.GoQuote(s)}: invalid syntax";
            return false;
        }

        // Syntax checked: .NET's correctly rounded parser gives the same double as Go's.
        if (!double.TryParse(s, NumberStyles.AllowLeadingSign | NumberStyles.AllowDecimalPoint | NumberStyles.AllowExponent, CultureInfo.InvariantCulture, out value))
        {
            error = $"strconv.ParseFloat: parsing {LabelFormatting.GoQuote(s)}: invalid syntax";
            return false;
        }

        if (double.IsInfinity(value))
        {
            // Go returns ±Inf with ErrRange when a finite literal overflows.
            error = $"strconv.ParseFloat: parsing {LabelFormatting.GoQuote(s)}: value out of range";
            return false;
        }

        return true;
    }

    /// <summary>Go's <c>strconv.ParseInt(s, 10, 64)</c>.</summary>
    public static bool TryParseInt64(ReadOnlySpan<byte> s, out long value, [NotNullWhen(false)] out string? error)
    {
        value = 0;
        error = null;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            i = 1;
        }

        if (i >= s.Length)
        {
            error = $"strconv.ParseInt: parsing {LabelFormatting.GoQuote(s)}: invalid syntax";
            return false;
        }

        ulong magnitude = 0;
        var overflow = false;
        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d > 9)
            {
                error = $"strconv.ParseInt: parsing {LabelFormatting.GoQuote(s)}: invalid syntax";
                return false;
            }

            if (magnitude > (ulong.MaxValue - d) / 10)
            {
                overflow = true;
                magnitude = ulong.MaxValue;
            }
            else if (!overflow)
            {
                magnitude = (magnitude * 10) + d;
            }
        }

        var limit = negative ? (ulong)long.MaxValue + 1 : long.MaxValue;
        if (overflow || magnitude > limit)
        {
            value = negative ? long.MinValue : long.MaxValue;
            error = $"strconv.ParseInt: parsing {LabelFormatting.GoQuote(s)}: value out of range";
            return false;
        }

        value = negative ? (long)(0 - magnitude) : (long)magnitude;
        return true;
    }

    /// <summary>
    /// Go's <c>int64(seconds * 1000)</c> on amd64: truncation toward zero, and the "integer
    /// indefinite" value (<see cref="long.MinValue"/>) when the product does not fit.
    /// </summary>
    public static long SecondsToMilliseconds(double seconds)
    {
        var ms = seconds * 1000.0;
        return ms is >= -9.2233720368547758e18 and < 9.2233720368547758e18 ? (long)ms : long.MinValue;
    }

    /// <summary>Go's <c>%f</c> for the non-finite values that invalid timestamps are.</summary>
    public static string FormatNonFinite(double value) =>
        double.IsNaN(value) ? "NaN" : value > 0 ? "+Inf" : "-Inf";

    /// <summary>
    /// The common case, exactly: <c>[+-]?digits[.digits][e[+-]digits]</c> with at most 19
    /// significant digits, a mantissa below 2^53 and a power of ten up to 22 (one exact
    /// multiplication or division, so correctly rounded).
    /// </summary>
    private static bool TryParseSimpleDecimal(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            i++;
        }

        ulong mantissa = 0;
        var digits = 0;
        var significant = 0;
        var exponent = 0;
        var sawDot = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            var d = (uint)(c - '0');
            if (d <= 9)
            {
                digits++;
                if (mantissa == 0 && d == 0)
                {
                    if (sawDot)
                    {
                        exponent--;
                    }

                    continue;
                }

                if (++significant > 19)
                {
                    return false;
                }

                mantissa = (mantissa * 10) + d;
                if (sawDot)
                {
                    exponent--;
                }
            }
            else if (c == '.' && !sawDot)
            {
                sawDot = true;
            }
            else if (c is (byte)'e' or (byte)'E')
            {
                if (digits == 0 || !TryParseSmallExponent(s[(i + 1)..], out var e))
                {
                    return false;
                }

                exponent += e;
                i = s.Length;
                break;
            }
            else
            {
                return false;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (mantissa == 0)
        {
            value = negative ? -0.0 : 0.0;
            return true;
        }

        if (mantissa > (1UL << 53) || exponent is < -22 or > 22)
        {
            return false;
        }

        value = exponent < 0 ? mantissa / ExactPowersOfTen[-exponent] : mantissa * ExactPowersOfTen[exponent];
        if (negative)
        {
            value = -value;
        }

        return true;
    }

    private static bool TryParseSmallExponent(ReadOnlySpan<byte> s, out int exponent)
    {
        exponent = 0;
        var i = 0;
        var negative = false;
        if (s.Length > 0 && s[0] is (byte)'+' or (byte)'-')
        {
            negative = s[0] == '-';
            i++;
        }

        if (i >= s.Length || s.Length - i > 3)
        {
            return false;
        }

        for (; i < s.Length; i++)
        {
            var d = (uint)(s[i] - '0');
            if (d > 9)
            {
                return false;
            }

            exponent = (exponent * 10) + (int)d;
        }

        if (negative)
        {
            exponent = -exponent;
        }

        return true;
    }

    /// <summary>Go's special forms: <c>[+-]?(inf|infinity)</c> and <c>nan</c>, case-insensitive.</summary>
    private static bool TryParseSpecial(ReadOnlySpan<byte> s, out double value)
    {
        value = 0;
        if (s.IsEmpty)
        {
            return false;
        }

        var sign = 1.0;
        var body = s;
        if (s[0] is (byte)'+' or (byte)'-')
        {
            sign = s[0] == '-' ? -1.0 : 1.0;
            body = s[1..];
        }
        else if (EqualsIgnoreCase(s, "nan"u8))
        {
            value = double.NaN;
            return true;
        }

        if (EqualsIgnoreCase(body, "inf"u8) || EqualsIgnoreCase(body, "infinity"u8))
        {
            value = sign * double.PositiveInfinity;
            return true;
        }

        return false;
    }

    private static bool EqualsIgnoreCase(ReadOnlySpan<byte> s, ReadOnlySpan<byte> lowerAscii)
    {
        if (s.Length != lowerAscii.Length)
        {
            return false;
        }

        for (var i = 0; i < s.Length; i++)
        {
            if ((s[i] | 0x20) != lowerAscii[i])
            {
                return false;
            }
        }

        return true;
    }

    /// <summary><c>[+-]?(digits[.digits*]|.digits)([eE][+-]?digits)?</c>: Go's decimal float syntax.</summary>
    private static bool IsDecimalSyntax(ReadOnlySpan<byte> s)
    {
        var i = 0;
        if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
        {
            i++;
        }

        var digits = 0;
        var sawDot = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is >= (byte)'0' and <= (byte)'9')
            {
                digits++;
            }
            else if (c == '.' && !sawDot)
            {
                sawDot = true;
            }
            else
            {
                break;
            }
        }

        if (digits == 0)
        {
            return false;
        }

        if (i == s.Length)
        {
            return true;
        }

        if (s[i] is not ((byte)'e' or (byte)'E'))
        {
            return false;
        }

        i++;
        if (i < s.Length && s[i] is (byte)'+' or (byte)'-')
        {
            i++;
        }

        if (i >= s.Length)
        {
            return false;
        }

        for (; i < s.Length; i++)
        {
            if (s[i] is not (>= (byte)'0' and <= (byte)'9'))
            {
                return false;
            }
        }

        return true;
    }
}
