using System.Globalization;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Tests.Text;

public sealed class GoFloatFormatterTests
{
    // Expected texts are Go's strconv.FormatFloat(v, fmt, -1, 64).
    [Theory]
    [InlineData(0.0, "0", "0e+00", "0")]
    [InlineData(-0.0, "-0", "-0e+00", "-0")]
    [InlineData(1.0, "1", "1e+00", "1")]
    [InlineData(-1.0, "-1", "-1e+00", "-1")]
    [InlineData(0.1, "0.1", "1e-01", "0.1")]
    [InlineData(0.30000000000000004, "0.30000000000000004", "3.0000000000000004e-01", "0.30000000000000004")]
    [InlineData(1.0 / 3, "0.3333333333333333", "3.333333333333333e-01", "0.3333333333333333")]
    [InlineData(2.0 / 3, "0.6666666666666666", "6.666666666666666e-01", "0.6666666666666666")]
    [InlineData(100.0, "100", "1e+02", "100")]
    [InlineData(123.456, "123.456", "1.23456e+02", "123.456")]
    [InlineData(100000.0, "100000", "1e+05", "100000")]
    [InlineData(1000000.0, "1000000", "1e+06", "1e+06")]
    [InlineData(123456789.0, "123456789", "1.23456789e+08", "1.23456789e+08")]
    [InlineData(1234567.5, "1234567.5", "1.2345675e+06", "1.2345675e+06")]
    [InlineData(0.0001, "0.0001", "1e-04", "0.0001")]
    [InlineData(0.00001, "0.00001", "1e-05", "1e-05")]
    [InlineData(0.000123, "0.000123", "1.23e-04", "0.000123")]
    [InlineData(1e-7, "0.0000001", "1e-07", "1e-07")]
    [InlineData(1e21, "1000000000000000000000", "1e+21", "1e+21")]
    [InlineData(1e23, "100000000000000000000000", "1e+23", "1e+23")]
    [InlineData(2.2250738585072014e-308, null, "2.2250738585072014e-308", "2.2250738585072014e-308")]
    [InlineData(9007199254740992.0, "9007199254740992", "9.007199254740992e+15", "9.007199254740992e+15")]
    [InlineData(1520879607.789, "1520879607.789", "1.520879607789e+09", "1.520879607789e+09")]
    [InlineData(-42.5e-10, "-0.00000000425", "-4.25e-09", "-4.25e-09")]
    [InlineData(5e-5, "0.00005", "5e-05", "5e-05")]
    [InlineData(2.5, "2.5", "2.5e+00", "2.5")]
    [InlineData(double.NaN, "NaN", "NaN", "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf", "+Inf", "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf", "-Inf", "-Inf")]
    public void Formats_like_go(double value, string? f, string e, string g)
    {
        if (f is not null)
        {
            Assert.Equal(f, GoFloatFormatter.Format(value, 'f'));
        }

        Assert.Equal(e, GoFloatFormatter.Format(value, 'e'));
        Assert.Equal(g, GoFloatFormatter.Format(value, 'g'));
    }

    [Fact]
    public void Formats_the_extremes_in_full_with_f()
    {
        Assert.Equal("0." + new string('0', 323) + "5", GoFloatFormatter.Format(double.Epsilon, 'f'));
        Assert.Equal("17976931348623157" + new string('0', 292), GoFloatFormatter.Format(double.MaxValue, 'f'));
        Assert.Equal("-17976931348623157" + new string('0', 292), GoFloatFormatter.Format(double.MinValue, 'f'));
        Assert.Equal(327, GoFloatFormatter.Format(-2.2250738585072014e-308, 'f').Length);
    }

    [Theory]
    [InlineData(0x0000000000000001UL)] // smallest subnormal
    [InlineData(0x000FFFFFFFFFFFFFUL)] // largest subnormal
    [InlineData(0x0010000000000000UL)] // smallest normal
    [InlineData(0x7FEFFFFFFFFFFFFFUL)] // largest finite
    [InlineData(0x3FF0000000000001UL)] // 1 + ulp
    [InlineData(0x3FEFFFFFFFFFFFFFUL)] // 1 - ulp/2
    [InlineData(0x4340000000000000UL)] // 2^53
    [InlineData(0x44B52D02C7E14AF6UL)] // 1e23's neighbour, a classic round-trip trap
    public void Edge_values_agree_with_the_runtime(ulong bits) => AssertAgrees(BitConverter.UInt64BitsToDouble(bits));

    [Fact]
    public void Every_exponent_and_power_of_two_and_ten_agrees_with_the_runtime()
    {
        for (var exponent = 0; exponent < 2047; exponent++)
        {
            foreach (var mantissa in new[] { 0UL, 1UL, 2UL, 0x8000000000000UL, 0xFFFFFFFFFFFFFUL, 0xFFFFFFFFFFFFEUL, 0x5555555555555UL })
            {
                var value = BitConverter.UInt64BitsToDouble(((ulong)exponent << 52) | mantissa);
                if (value != 0)
                {
                    AssertAgrees(value);
                }
            }
        }

        for (var p = -325; p <= 308; p++)
        {
            AssertAgrees(double.Parse($"1e{p}", CultureInfo.InvariantCulture) is var v && v != 0 && double.IsFinite(v) ? v : 1);
            AssertAgrees(double.Parse($"9.999999999999999e{p}", CultureInfo.InvariantCulture) is var w && w != 0 && double.IsFinite(w) ? w : 1);
        }
    }

    [Fact]
    public void Random_doubles_agree_with_the_runtime()
    {
        // Random bit patterns cover every exponent evenly; the short decimals below are what
        // sample values mostly are (rates, ratios, gauges with a few decimals).
        var random = new Random(20261122);
        for (var i = 0; i < 2_000_000; i++)
        {
            var value = BitConverter.UInt64BitsToDouble((ulong)random.NextInt64() & 0x7FFFFFFFFFFFFFFFUL);
            if (double.IsFinite(value) && value != 0)
            {
                AssertAgrees(random.Next(2) == 0 ? value : -value);
            }
        }

        for (var i = 0; i < 1_000_000; i++)
        {
            var value = random.NextInt64(1, 10_000_000_000) / Math.Pow(10, random.Next(0, 12));
            AssertAgrees(value);
            AssertAgrees(value / 3);
        }
    }

    [Fact]
    public void Digits_are_the_shortest_that_read_back()
    {
        // Independent of the runtime's formatter: the text parses back to the same double, and
        // one digit fewer (either rounding) does not.
        var random = new Random(7);
        for (var i = 0; i < 200_000; i++)
        {
            var value = BitConverter.UInt64BitsToDouble((ulong)random.NextInt64() & 0x7FEFFFFFFFFFFFFFUL);
            if (value == 0)
            {
                continue;
            }

            var shortest = ShortestDecimal.Of(value);
            Assert.Equal(value, double.Parse($"{shortest.Significand}e{shortest.Exponent}", CultureInfo.InvariantCulture));
            if (shortest.Significand >= 10)
            {
                var down = shortest.Significand / 10;
                Assert.NotEqual(value, double.Parse($"{down}e{shortest.Exponent + 1}", CultureInfo.InvariantCulture));
                Assert.NotEqual(value, double.Parse($"{down + 1}e{shortest.Exponent + 1}", CultureInfo.InvariantCulture));
            }
        }
    }

    [Fact]
    public void Rejects_an_unknown_format() =>
        Assert.Throws<ArgumentOutOfRangeException>(() => GoFloatFormatter.Format(1.0, 'x'));

    private static void AssertAgrees(double value)
    {
        // .NET's "R" is the shortest round-trip text too, closest to the value among equals.
        var expected = RuntimeDigits(value);
        var shortest = ShortestDecimal.Of(value);
        if ((shortest.Significand != expected.Significand || shortest.Exponent != expected.Exponent)
            && !RuntimeMissesTheLowerBoundary(value, expected, shortest))
        {
            Assert.Fail($"{value:R} (0x{BitConverter.DoubleToUInt64Bits(value):X16}): ours {shortest.Significand}e{shortest.Exponent}, runtime {expected.Significand}e{expected.Exponent}");
        }
    }

    // .NET's "R" treats the gap below a power of two as wide as the gap above (Go and Ryū halve
    // it), so there it can print one digit fewer that does not read back as the value.
    private static bool RuntimeMissesTheLowerBoundary(double value, (ulong Significand, int Exponent) runtime, ShortestDecimal ours) =>
        (BitConverter.DoubleToUInt64Bits(value) & 0xFFFFFFFFFFFFFUL) == 0
        && double.Parse($"{runtime.Significand}e{runtime.Exponent}", CultureInfo.InvariantCulture) != Math.Abs(value)
        && double.Parse($"{ours.Significand}e{ours.Exponent}", CultureInfo.InvariantCulture) == Math.Abs(value);

    private static (ulong Significand, int Exponent) RuntimeDigits(double value)
    {
        var r = Math.Abs(value).ToString("R", CultureInfo.InvariantCulture);
        var e = r.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? r : r[..e];
        var exponent = e < 0 ? 0 : int.Parse(r[(e + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        if (dot >= 0)
        {
            exponent -= mantissa.Length - dot - 1;
            mantissa = mantissa.Remove(dot, 1);
        }

        var significand = ulong.Parse(mantissa, CultureInfo.InvariantCulture);
        while (significand % 10 == 0)
        {
            significand /= 10;
            exponent++;
        }

        return (significand, exponent);
    }
}
