using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Tests.Exposition;

/// <summary>Go's strconv.ParseFloat / ParseInt as the parsers use them (expected values from Go).</summary>
public sealed class GoNumbersTests
{
    [Theory]
    [InlineData("1", 1.0)]
    [InlineData("1.", 1.0)]
    [InlineData(".5", 0.5)]
    [InlineData("+.5", 0.5)]
    [InlineData("-2.5e-3", -0.0025)]
    [InlineData("1.e5", 1e5)]
    [InlineData("1E+05", 1e5)]
    [InlineData("0.1", 0.1)]
    [InlineData("0.30000000000000004", 0.30000000000000004)]
    [InlineData("000123.4500", 123.45)]
    [InlineData("1.7976931348623157e308", double.MaxValue)]
    [InlineData("4.9e-324", double.Epsilon)]
    [InlineData("1e-400", 0.0)]
    [InlineData("0e99999", 0.0)]
    [InlineData("9007199254740993", 9007199254740992.0)]
    [InlineData("123456789012345678901234567890", 1.2345678901234568e29)]
    [InlineData("1520879607.789", 1520879607.789)]
    [InlineData("inf", double.PositiveInfinity)]
    [InlineData("+Inf", double.PositiveInfinity)]
    [InlineData("-INFINITY", double.NegativeInfinity)]
    [InlineData("Infinity", double.PositiveInfinity)]
    public void Parses_like_go(string text, double expected)
    {
        Assert.True(GoNumbers.TryParseExpositionFloat(Encoding.ASCII.GetBytes(text), out var value, out var error), error);
        Assert.Equal(BitConverter.DoubleToUInt64Bits(expected), BitConverter.DoubleToUInt64Bits(value));
    }

    [Theory]
    [InlineData("nan")]
    [InlineData("NaN")]
    [InlineData("NAN")]
    public void Parses_nan(string text)
    {
        Assert.True(GoNumbers.TryParseExpositionFloat(Encoding.ASCII.GetBytes(text), out var value, out _));
        Assert.True(double.IsNaN(value));
    }

    [Fact]
    public void Keeps_negative_zero()
    {
        Assert.True(GoNumbers.TryParseExpositionFloat("-0"u8, out var value, out _));
        Assert.True(double.IsNegative(value) && value == 0);
        Assert.True(GoNumbers.TryParseExpositionFloat("-0.000e5"u8, out value, out _));
        Assert.True(double.IsNegative(value) && value == 0);
    }

    [Theory]
    [InlineData("", "strconv.ParseFloat: parsing \"\": invalid syntax")]
    [InlineData(".", "strconv.ParseFloat: parsing \".\": invalid syntax")]
    [InlineData("e5", "strconv.ParseFloat: parsing \"e5\": invalid syntax")]
    [InlineData("1e", "strconv.ParseFloat: parsing \"1e\": invalid syntax")]
    [InlineData("1e+", "strconv.ParseFloat: parsing \"1e+\": invalid syntax")]
    [InlineData("1.2.3", "strconv.ParseFloat: parsing \"1.2.3\": invalid syntax")]
    [InlineData("++1", "strconv.ParseFloat: parsing \"++1\": invalid syntax")]
    [InlineData(" 1", "strconv.ParseFloat: parsing \" 1\": invalid syntax")]
    [InlineData("+nan", "strconv.ParseFloat: parsing \"+nan\": invalid syntax")]
    [InlineData("infin", "strconv.ParseFloat: parsing \"infin\": invalid syntax")]
    [InlineData("0x10", "strconv.ParseFloat: parsing \"0x10\": invalid syntax")]
    [InlineData("1,5", "strconv.ParseFloat: parsing \"1,5\": invalid syntax")]
    [InlineData("1e400", "strconv.ParseFloat: parsing \"1e400\": value out of range")]
    [InlineData("-1e99999999999", "strconv.ParseFloat: parsing \"-1e99999999999\": value out of range")]
    [InlineData("1_000", "unsupported character in float")]
    [InlineData("0x1p-3", "unsupported character in float")]
    public void Rejects_like_go(string text, string expected)
    {
        Assert.False(GoNumbers.TryParseExpositionFloat(Encoding.ASCII.GetBytes(text), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData("0", 0L)]
    [InlineData("9223372036854775807", long.MaxValue)]
    [InlineData("-9223372036854775808", long.MinValue)]
    [InlineData("1520879607789", 1520879607789L)]
    public void Parses_int64(string text, long expected)
    {
        Assert.True(GoNumbers.TryParseInt64(Encoding.ASCII.GetBytes(text), out var value, out _));
        Assert.Equal(expected, value);
    }

    [Theory]
    [InlineData("9223372036854775808", "strconv.ParseInt: parsing \"9223372036854775808\": value out of range")]
    [InlineData("99999999999999999999999", "strconv.ParseInt: parsing \"99999999999999999999999\": value out of range")]
    [InlineData("1a", "strconv.ParseInt: parsing \"1a\": invalid syntax")]
    public void Rejects_int64(string text, string expected)
    {
        Assert.False(GoNumbers.TryParseInt64(Encoding.ASCII.GetBytes(text), out _, out var error));
        Assert.Equal(expected, error);
    }

    [Fact]
    public void Round_trips_random_doubles_through_go_formatting()
    {
        var random = new Random(7);
        Span<byte> buffer = stackalloc byte[40];
        for (var i = 0; i < 200_000; i++)
        {
            var value = (i % 4) switch
            {
                0 => BitConverter.Int64BitsToDouble(random.NextInt64()),
                1 => Math.Round(random.NextDouble() * 1e6, random.Next(0, 6)),
                2 => random.Next() * Math.Pow(10, random.Next(-30, 30)),
                _ => random.NextInt64(0, 1L << 53),
            };
            if (!double.IsFinite(value))
            {
                continue;
            }

            var length = TextExpositionWriter.FormatValue(value, buffer);
            Assert.True(GoNumbers.TryParseExpositionFloat(buffer[..length], out var parsed, out var error), error);
            var expected = value == 0 ? 0.0 : value; // the writer prints -0 as 0
            Assert.Equal(BitConverter.DoubleToUInt64Bits(expected), BitConverter.DoubleToUInt64Bits(parsed));
        }
    }

    [Theory]
    [InlineData(1520879607.789, 1520879607789L)]
    [InlineData(-1.5, -1500L)]
    [InlineData(1e300, long.MinValue)]
    [InlineData(-1e300, long.MinValue)]
    public void Seconds_to_milliseconds_truncates_like_go_on_amd64(double seconds, long expected)
    {
        Assert.Equal(expected, GoNumbers.SecondsToMilliseconds(seconds));
    }

    [Theory]
    [InlineData(1.0, "1.0")]
    [InlineData(0.0, "0.0")]
    [InlineData(-1.0, "-1.0")]
    [InlineData(0.25, "0.25")]
    [InlineData(10.0, "10.0")]
    [InlineData(1e6, "1e+06")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    public void Formats_openmetrics_floats_for_le_and_quantile(double value, string expected)
    {
        Assert.Equal(expected, ExpositionParser.FormatOpenMetricsFloat(value));
    }
}
