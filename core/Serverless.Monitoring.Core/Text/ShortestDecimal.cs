using System.Numerics;
using System.Runtime.CompilerServices;

namespace Serverless.Monitoring.Core.Text;

/// <summary>
/// The shortest decimal <c>Significand × 10^Exponent</c> that reads back as the same double,
/// the closest to it when several are as short (ties to even): the digits of Go's
/// <c>strconv.FormatFloat(v, fmt, -1, 64)</c> and .NET's <c>"R"</c>. Computed with Ulf Adams's
/// Ryū algorithm (PLDI 2018) in 64-bit arithmetic with 128-bit power-of-five tables, because
/// .NET's own shortest formatting is most of the cost of a large query response.
/// </summary>
internal readonly record struct ShortestDecimal(ulong Significand, int Exponent)
{
    private const int MantissaBits = 52;
    private const int ExponentBias = 1023;
    private const int Pow5InverseBitCount = 125;
    private const int Pow5BitCount = 125;
    private const int Pow5InverseTableSize = 342;
    private const int Pow5TableSize = 326;

    // Entry i: low then high 64 bits. Inverse: floor(2^(bits(5^i) - 1 + 125) / 5^i) + 1;
    // power: 5^i scaled to exactly 125 significant bits. Built once, exactly, with BigInteger.
    private static readonly ulong[] Pow5InverseSplit = BuildInverseTable();
    private static readonly ulong[] Pow5Split = BuildTable();

    /// <summary>The shortest decimal of a finite, non-zero double's magnitude (its sign is ignored).</summary>
    public static ShortestDecimal Of(double value)
    {
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var ieeeMantissa = bits & ((1UL << MantissaBits) - 1);
        var ieeeExponent = (int)((bits >> MantissaBits) & 0x7FF);
        if (ieeeExponent == 0x7FF || (ieeeExponent == 0 && ieeeMantissa == 0))
        {
            throw new ArgumentOutOfRangeException(nameof(value), value, "Only finite, non-zero doubles have a shortest decimal here.");
        }

        int e2;
        ulong m2;
        if (ieeeExponent == 0)
        {
            e2 = 1 - ExponentBias - MantissaBits - 2;
            m2 = ieeeMantissa;
        }
        else
        {
            e2 = ieeeExponent - ExponentBias - MantissaBits - 2;
            m2 = (1UL << MantissaBits) | ieeeMantissa;
        }

        var acceptBounds = (m2 & 1) == 0;

        // The interval of decimals that read back as this double is (mm, mp) × 2^e2 in units of
        // a quarter mantissa; the lower gap is half as wide at a power of two.
        var mv = 4 * m2;
        var mmShift = ieeeMantissa != 0 || ieeeExponent <= 1 ? 1u : 0u;

        ulong vr, vp, vm;
        int e10;
        var vmIsTrailingZeros = false;
        var vrIsTrailingZeros = false;
        if (e2 >= 0)
        {
            var q = Log10Pow2(e2) - (e2 > 3 ? 1 : 0);
            e10 = q;
            var k = Pow5InverseBitCount + Pow5Bits(q) - 1;
            var i = -e2 + q + k;
            vr = MulShiftAll(m2, Pow5InverseSplit, q, i, mmShift, out vp, out vm);
            if (q <= 21)
            {
                // Exact when 5^q divides the bound: then its decimal has trailing zeros.
                if (mv % 5 == 0)
                {
                    vrIsTrailingZeros = MultipleOfPowerOf5(mv, q);
                }
                else if (acceptBounds)
                {
                    vmIsTrailingZeros = MultipleOfPowerOf5(mv - 1 - mmShift, q);
                }
                else if (MultipleOfPowerOf5(mv + 2, q))
                {
                    vp--;
                }
            }
        }
        else
        {
            var q = Log10Pow5(-e2) - (-e2 > 1 ? 1 : 0);
            e10 = q + e2;
            var i = -e2 - q;
            var k = Pow5Bits(i) - Pow5BitCount;
            var j = q - k;
            vr = MulShiftAll(m2, Pow5Split, i, j, mmShift, out vp, out vm);
            if (q <= 1)
            {
                // mv = 4 * m2 has at least two trailing binary zeros, so vr is exact.
                vrIsTrailingZeros = true;
                if (acceptBounds)
                {
                    vmIsTrailingZeros = mmShift == 1;
                }
                else
                {
                    vp--;
                }
            }
            else if (q < 63)
            {
                vrIsTrailingZeros = (mv & ((1UL << q) - 1)) == 0;
            }
        }

        // Drop digits while the interval still holds a shorter decimal.
        var removed = 0;
        ulong output;
        if (vmIsTrailingZeros || vrIsTrailingZeros)
        {
            // Rare: a bound or the value itself is an exact decimal, so ties and inclusive bounds matter.
            var lastRemovedDigit = 0UL;
            while (vp / 10 > vm / 10)
            {
                vmIsTrailingZeros &= vm % 10 == 0;
                vrIsTrailingZeros &= lastRemovedDigit == 0;
                lastRemovedDigit = vr % 10;
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }

            if (vmIsTrailingZeros)
            {
                while (vm % 10 == 0)
                {
                    vrIsTrailingZeros &= lastRemovedDigit == 0;
                    lastRemovedDigit = vr % 10;
                    vr /= 10;
                    vp /= 10;
                    vm /= 10;
                    removed++;
                }
            }

            if (vrIsTrailingZeros && lastRemovedDigit == 5 && vr % 2 == 0)
            {
                lastRemovedDigit = 4; // exactly ...50…0: round half to even
            }

            output = vr + ((vr == vm && (!acceptBounds || !vmIsTrailingZeros)) || lastRemovedDigit >= 5 ? 1UL : 0UL);
        }
        else
        {
            var roundUp = false;
            if (vp / 100 > vm / 100)
            {
                roundUp = vr % 100 >= 50;
                vr /= 100;
                vp /= 100;
                vm /= 100;
                removed += 2;
            }

            while (vp / 10 > vm / 10)
            {
                roundUp = vr % 10 >= 5;
                vr /= 10;
                vp /= 10;
                vm /= 10;
                removed++;
            }

            output = vr + (vr == vm || roundUp ? 1UL : 0UL);
        }

        return new ShortestDecimal(output, e10 + removed);
    }

    /// <summary>The number of decimal digits of <paramref name="value"/> (at most 17 here).</summary>
    public static int DecimalLength(ulong value)
    {
        // log10 from log2 (1233/4096 ≈ log10 2), corrected by one comparison: no division per digit.
        var guess = ((BitOperations.Log2(value) + 1) * 1233) >> 12;
        return value == 0 ? 1 : guess + (value >= PowersOfTen[guess] ? 1 : 0);
    }

    private static ReadOnlySpan<ulong> PowersOfTen =>
    [
        1UL, 10UL, 100UL, 1000UL, 10000UL, 100000UL, 1000000UL, 10000000UL, 100000000UL, 1000000000UL,
        10000000000UL, 100000000000UL, 1000000000000UL, 10000000000000UL, 100000000000000UL,
        1000000000000000UL, 10000000000000000UL, 100000000000000000UL, 1000000000000000000UL,
        10000000000000000000UL,
    ];

    // The value and both interval bounds (4m, 4m + 2, 4m - 1 - mmShift) times table entry `entry`, shifted.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulShiftAll(ulong m2, ulong[] table, int entry, int shift, uint mmShift, out ulong vp, out ulong vm)
    {
        var mulLow = table[2 * entry];
        var mulHigh = table[(2 * entry) + 1];
        vp = MulShift((4 * m2) + 2, mulLow, mulHigh, shift);
        vm = MulShift((4 * m2) - 1 - mmShift, mulLow, mulHigh, shift);
        return MulShift(4 * m2, mulLow, mulHigh, shift);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static ulong MulShift(ulong m, ulong mulLow, ulong mulHigh, int shift)
    {
        // (m × mul) >> shift with mul a 128-bit constant; shift is always above 64 here.
        var lowProductHigh = Math.BigMul(m, mulLow, out _);
        var highProductHigh = Math.BigMul(m, mulHigh, out var highProductLow);
        var middle = highProductLow + lowProductHigh;
        var top = highProductHigh + (middle < lowProductHigh ? 1UL : 0UL);
        var s = shift - 64; // 0 < s < 64 for every table entry
        return (top << (64 - s)) | (middle >> s);
    }

    private static int Pow5Bits(int e) => (int)(((uint)e * 1217359) >> 19) + 1;

    private static int Log10Pow2(int e) => (int)(((uint)e * 78913) >> 18);

    private static int Log10Pow5(int e) => (int)(((uint)e * 732923) >> 20);

    private static bool MultipleOfPowerOf5(ulong value, int p)
    {
        var count = 0;
        while (value > 0 && value % 5 == 0)
        {
            value /= 5;
            count++;
        }

        return count >= p;
    }

    private static ulong[] BuildInverseTable()
    {
        var table = new ulong[2 * Pow5InverseTableSize];
        var pow = BigInteger.One;
        for (var i = 0; i < Pow5InverseTableSize; i++, pow *= 5)
        {
            var j = (int)pow.GetBitLength() - 1 + Pow5InverseBitCount;
            Store(table, i, (BigInteger.One << j) / pow + 1);
        }

        return table;
    }

    private static ulong[] BuildTable()
    {
        var table = new ulong[2 * Pow5TableSize];
        var pow = BigInteger.One;
        for (var i = 0; i < Pow5TableSize; i++, pow *= 5)
        {
            var shift = (int)pow.GetBitLength() - Pow5BitCount;
            Store(table, i, shift >= 0 ? pow >> shift : pow << -shift);
        }

        return table;
    }

    private static void Store(ulong[] table, int i, BigInteger value)
    {
        table[2 * i] = (ulong)(value & ulong.MaxValue);
        table[(2 * i) + 1] = (ulong)(value >> 64);
    }
}
