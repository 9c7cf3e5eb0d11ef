using System.Buffers;
using System.Text;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Tests.Instrumentation;

public class TextExpositionWriterTests
{
    // Expected strings are what Go's strconv.FormatFloat(v, 'g', -1, 64) prints, as
    // Prometheus's client writes them (with 0, -0, 1 and -1 special-cased to 0, 0, 1, -1).
    [Theory]
    [InlineData(0.0, "0")]
    [InlineData(1.0, "1")]
    [InlineData(-1.0, "-1")]
    [InlineData(0.5, "0.5")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(0.005, "0.005")]
    [InlineData(0.1, "0.1")]
    [InlineData(0.1 + 0.2, "0.30000000000000004")]
    [InlineData(1.0 / 3, "0.3333333333333333")]
    [InlineData(100.0, "100")]
    [InlineData(123.456, "123.456")]
    [InlineData(123456.0, "123456")]
    [InlineData(999999.0, "999999")]
    [InlineData(100000.5, "100000.5")]
    [InlineData(1e6, "1e+06")]
    [InlineData(1.5e6, "1.5e+06")]
    [InlineData(1234567.0, "1.234567e+06")]
    [InlineData(1.7e9, "1.7e+09")]
    [InlineData(1e15, "1e+15")]
    [InlineData(9007199254740993.0, "9.007199254740992e+15")]
    [InlineData(123456789012345678.0, "1.2345678901234568e+17")]
    [InlineData(1e21, "1e+21")]
    [InlineData(1e100, "1e+100")]
    [InlineData(double.MaxValue, "1.7976931348623157e+308")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00012345, "0.00012345")]
    [InlineData(-0.001, "-0.001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(1.5e-7, "1.5e-07")]
    [InlineData(-2.5e-5, "-2.5e-05")]
    [InlineData(2.2250738585072014e-308, "2.2250738585072014e-308")]
    [InlineData(double.Epsilon, "5e-324")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Values_are_formatted_like_Go(double value, string expected)
    {
        Assert.Equal(expected, TextExpositionWriter.FormatValue(value));
        Assert.Equal($"m {expected}\n", Write(w => w.WriteSample("m", [], [], value)));
    }

    [Fact]
    public void Negative_zero_is_written_as_zero()
    {
        Assert.Equal("0", TextExpositionWriter.FormatValue(-0.0));
    }

    [Theory]
    [InlineData("plain help", "plain help")]
    [InlineData(@"a\b", @"a\\b")]
    [InlineData("line1\nline2", @"line1\nline2")]
    [InlineData("say \"hi\"", "say \"hi\"")]
    [InlineData("π and ✓", "π and ✓")]
    [InlineData("\\\n\\", @"\\\n\\")]
    public void Help_escapes_backslash_and_newline_only(string help, string expected)
    {
        Assert.Equal(
            $"# HELP m_total {expected}\n# TYPE m_total counter\n",
            Write(w => w.WriteHelpAndType("m_total", help, MetricType.Counter)));
    }

    [Theory]
    [InlineData("plain", "plain")]
    [InlineData(@"C:\dir", @"C:\\dir")]
    [InlineData("say \"hi\"", "say \\\"hi\\\"")]
    [InlineData("a\nb", @"a\nb")]
    [InlineData("", "")]
    [InlineData("π", "π")]
    [InlineData("\"\\\n", "\\\"\\\\\\n")]
    public void Label_values_escape_backslash_quote_and_newline(string value, string expected)
    {
        Assert.Equal(
            $"m{{a=\"{expected}\",b=\"x\"}} 1\n",
            Write(w => w.WriteSample("m", ["a", "b"], [value, "x"], 1)));
    }

    [Theory]
    [InlineData(MetricType.Counter, "counter")]
    [InlineData(MetricType.Gauge, "gauge")]
    [InlineData(MetricType.Histogram, "histogram")]
    public void Types_are_written_in_lowercase(MetricType type, string expected)
    {
        Assert.EndsWith($"# TYPE m {expected}\n", Write(w => w.WriteHelpAndType("m", "h", type)), StringComparison.Ordinal);
    }

    [Fact]
    public void Output_is_utf8()
    {
        var buffer = new ArrayBufferWriter<byte>();
        new TextExpositionWriter(buffer).WriteSample("m", ["l"], ["é"], 2);
        Assert.Equal("m{l=\"\u00e9\"} 2\n"u8.ToArray(), buffer.WrittenSpan.ToArray());
    }

    [Fact]
    public void Mismatched_label_names_and_values_throw()
    {
        Assert.Throws<ArgumentException>(() => Write(w => w.WriteSample("m", ["a", "b"], ["x"], 1)));
    }

    [Fact]
    public void Content_type_is_the_0_0_4_text_format()
    {
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", TextExpositionWriter.ContentType);
    }

    internal static string Write(Action<TextExpositionWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        write(new TextExpositionWriter(buffer));
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
