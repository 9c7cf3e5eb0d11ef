using System.Text;

namespace Serverless.Monitoring.Core.Text;

/// <summary>
/// Go's <c>strconv.FormatFloat(v, fmt, -1, 64)</c> for <c>'f'</c>, <c>'e'</c> and <c>'g'</c>:
/// the shortest round-trip digits (<see cref="ShortestDecimal"/>) laid out as Go does, with
/// <c>NaN</c>, <c>+Inf</c> and <c>-Inf</c>. Prometheus prints sample values, PromQL numbers and
/// exposition values this way, so every text we compare with its output comes from here.
/// </summary>
public static class GoFloatFormatter
{
    /// <summary>Enough for any double in any of the three formats (<c>'f'</c> of a subnormal takes up to 327).</summary>
    public const int MaxLength = 352;

    /// <summary>Enough for <c>'e'</c> and <c>'g'</c> of any double, and <c>'f'</c> of magnitudes from 1e-6 to below 1e21.</summary>
    public const int MaxShortLength = 32;

    private static ReadOnlySpan<byte> TwoDigits =>
        "00010203040506070809101112131415161718192021222324252627282930313233343536373839404142434445464748495051525354555657585960616263646566676869707172737475767778798081828384858687888990919293949596979899"u8;

    /// <summary>Formats <paramref name="value"/> as Go's <c>FormatFloat(value, format, -1, 64)</c>; returns the length written.</summary>
    /// <param name="format"><c>'f'</c>, <c>'e'</c> or <c>'g'</c>.</param>
    /// <param name="destination"><see cref="MaxLength"/> bytes always suffice; see <see cref="MaxShortLength"/>.</param>
    public static int Format(double value, char format, Span<byte> destination)
    {
        if (format is not ('f' or 'e' or 'g'))
        {
            throw new ArgumentOutOfRangeException(nameof(format), format, "Only 'f', 'e' and 'g' are supported.");
        }

        if (!double.IsFinite(value))
        {
            var special = double.IsNaN(value) ? "NaN"u8 : value > 0 ? "+Inf"u8 : "-Inf"u8;
            special.CopyTo(destination);
            return special.Length;
        }

        var n = 0;
        if (double.IsNegative(value))
        {
            destination[n++] = (byte)'-';
        }

        // value = 0.d1 d2 … dk × 10^decimalPoint; zero is the single digit 0 with its point after
        // it (and exponent 0 in %e). Digits are written straight to their place.
        ulong significand = 0;
        var digitCount = 1;
        var decimalPoint = 1;
        if (value != 0)
        {
            var shortest = ShortestDecimal.Of(value);
            significand = shortest.Significand;
            digitCount = ShortestDecimal.DecimalLength(significand);
            decimalPoint = digitCount + shortest.Exponent;
        }

        // Go's 'g' with the shortest precision: %e when the exponent is below -4 or at least 6.
        var exponent = decimalPoint - 1;
        var fixedLayout = format == 'f' || (format == 'g' && exponent is >= -4 and < 6);
        return n + (fixedLayout
            ? WriteFixed(significand, digitCount, decimalPoint, destination[n..])
            : WriteExponent(significand, digitCount, exponent, destination[n..]));
    }

    /// <summary><see cref="Format(double, char, Span{byte})"/> as a string.</summary>
    public static string Format(double value, char format)
    {
        Span<byte> buffer = stackalloc byte[MaxLength];
        return Encoding.ASCII.GetString(buffer[..Format(value, format, buffer)]);
    }

    // The digits of value, exactly length of them (ShortestDecimal.DecimalLength), into destination[..length].
    private static void WriteDigits(ulong value, int length, Span<byte> destination)
    {
        var i = length;

        // Eight digits at a time in 32-bit arithmetic, then pairs: 64-bit divisions cost more.
        while (value >= 100_000_000)
        {
            var high = value / 100_000_000;
            var low = (uint)(value - (high * 100_000_000));
            value = high;
            for (var k = 0; k < 4; k++)
            {
                var pair = (low % 100) * 2;
                low /= 100;
                destination[--i] = TwoDigits[(int)pair + 1];
                destination[--i] = TwoDigits[(int)pair];
            }
        }

        var rest = (uint)value;
        while (rest >= 100)
        {
            var pair = (rest % 100) * 2;
            rest /= 100;
            destination[--i] = TwoDigits[(int)pair + 1];
            destination[--i] = TwoDigits[(int)pair];
        }

        if (rest >= 10)
        {
            destination[--i] = TwoDigits[(int)(rest * 2) + 1];
            destination[--i] = TwoDigits[(int)(rest * 2)];
        }
        else
        {
            destination[--i] = (byte)('0' + rest);
        }
    }

    // %f: the integer digits (zero-padded past the last digit, "0" when there are none), then a
    // point and exactly the fraction digits there are.
    private static int WriteFixed(ulong significand, int digitCount, int decimalPoint, Span<byte> destination)
    {
        if (decimalPoint <= 0)
        {
            // 0.000ddd
            destination[0] = (byte)'0';
            destination[1] = (byte)'.';
            destination.Slice(2, -decimalPoint).Fill((byte)'0');
            WriteDigits(significand, digitCount, destination[(2 - decimalPoint)..]);
            return 2 - decimalPoint + digitCount;
        }

        if (decimalPoint >= digitCount)
        {
            // ddd000
            WriteDigits(significand, digitCount, destination);
            destination[digitCount..decimalPoint].Fill((byte)'0');
            return decimalPoint;
        }

        // dd.ddd: write the digits one place to the right, then move the integer part back over the gap.
        WriteDigits(significand, digitCount, destination[1..]);
        for (var i = 0; i < decimalPoint; i++)
        {
            destination[i] = destination[i + 1];
        }

        destination[decimalPoint] = (byte)'.';
        return digitCount + 1;
    }

    // %e: d[.ddd]e±dd, at least two exponent digits.
    private static int WriteExponent(ulong significand, int digitCount, int exponent, Span<byte> destination)
    {
        WriteDigits(significand, digitCount, destination[1..]);
        destination[0] = destination[1];
        var n = 1;
        if (digitCount > 1)
        {
            destination[1] = (byte)'.';
            n = digitCount + 1;
        }

        destination[n++] = (byte)'e';
        destination[n++] = exponent < 0 ? (byte)'-' : (byte)'+';
        var magnitude = Math.Abs(exponent);
        if (magnitude >= 100)
        {
            destination[n++] = (byte)('0' + (magnitude / 100));
            magnitude %= 100;
        }

        destination[n++] = TwoDigits[magnitude * 2];
        destination[n++] = TwoDigits[(magnitude * 2) + 1];
        return n;
    }
}
