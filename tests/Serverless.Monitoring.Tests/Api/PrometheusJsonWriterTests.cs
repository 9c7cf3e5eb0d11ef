using System.Text;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Text;
using Serverless.Monitoring.Functions.Api;

namespace Serverless.Monitoring.Tests.Api;

public class PrometheusJsonWriterTests
{
    [Fact]
    public void A_large_matrix_formatted_on_all_cores_is_byte_for_byte_the_sequential_one()
    {
        var random = new Random(7);
        var series = Enumerable.Range(0, 9)
            .Select(i => new Serverless.Monitoring.Core.PromQL.Engine.ResultSeries(
                Serverless.Monitoring.Core.Model.LabelSet.FromStrings("__name__", "m", "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                Enumerable.Range(0, 700 + i).Select(k => new Serverless.Monitoring.Core.Model.Sample(1_700_000_000_000 + (k * 15_000) + i, k % 50 == 0 ? double.NaN : (random.NextDouble() - 0.3) * Math.Pow(10, random.Next(-9, 22)))).ToArray()))
            .ToArray();
        var result = new Serverless.Monitoring.Core.PromQL.Engine.QueryResult { Type = Serverless.Monitoring.Core.PromQL.ExprType.Matrix, Series = series };

        string Write(int threshold)
        {
            PrometheusJsonWriter.ParallelMatrixPoints = threshold;
            using var buffer = new MemoryStream();
            using (var json = new System.Text.Json.Utf8JsonWriter(buffer, PrometheusJsonWriter.Options))
            {
                json.WriteStartObject();
                PrometheusJsonWriter.WriteQueryResult(json, result, 0, 0);
                json.WriteEndObject();
            }

            return Encoding.UTF8.GetString(buffer.ToArray());
        }

        var previous = PrometheusJsonWriter.ParallelMatrixPoints;
        try
        {
            var sequential = Write(int.MaxValue);
            var parallel = Write(1);
            Assert.Equal(sequential, parallel);
            Assert.Contains("\"NaN\"", parallel, StringComparison.Ordinal);
            using var parsed = System.Text.Json.JsonDocument.Parse(parallel);
            Assert.Equal(9, parsed.RootElement.GetProperty("result").GetArrayLength());
        }
        finally
        {
            PrometheusJsonWriter.ParallelMatrixPoints = previous;
        }
    }

    [Theory]
    [InlineData(1, "1")]
    [InlineData(0.1, "0.1")]
    [InlineData(-2.5, "-2.5")]
    [InlineData(123456789012, "123456789012")]
    [InlineData(1e20, "100000000000000000000")]
    [InlineData(1e21, "1e+21")]
    [InlineData(-1.5e300, "-1.5e+300")]
    [InlineData(0.000001, "0.000001")]
    [InlineData(1e-7, "1e-07")]
    [InlineData(1.25e-300, "1.25e-300")]
    [InlineData(double.NaN, "NaN")]
    [InlineData(double.PositiveInfinity, "+Inf")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    [InlineData(0.0, "0")]
    [InlineData(-0.0, "-0")]
    [InlineData(-42.0, "-42")]
    [InlineData(999999999999999.0, "999999999999999")]
    [InlineData(1e15, "1000000000000000")]
    public void Sample_values_are_formatted_as_upstream(double value, string text)
    {
        Assert.Equal(text, PrometheusJsonWriter.FormatValue(value));
        Assert.Equal(text, FormatUtf8(value));
    }

    [Fact]
    public void Values_read_back_and_whole_numbers_print_as_the_general_format_does()
    {
        var random = new Random(4);
        for (var i = 0; i < 20_000; i++)
        {
            // Mantissas of every length, exponents from 1e-30 to 1e30, both signs, integers too.
            var value = (random.NextDouble() - 0.5) * Math.Pow(10, random.Next(-30, 31));
            if (i % 4 == 0)
            {
                value = Math.Round(value);
            }

            var text = FormatUtf8(value);
            Assert.Equal(value, double.Parse(text, System.Globalization.CultureInfo.InvariantCulture));
            var abs = Math.Abs(value);
            var format = abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
            Assert.Equal(GoFloatFormatter.Format(value, format), text);
        }
    }

    [Fact]
    public void Points_are_written_as_timestamp_and_quoted_value_pairs()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        using (var json = new System.Text.Json.Utf8JsonWriter(buffer, PrometheusJsonWriter.Options))
        {
            json.WriteStartArray();
            PrometheusJsonWriter.WritePoint(json, 1_700_000_000_120, 0.25);
            PrometheusJsonWriter.WritePoint(json, -1500, double.NegativeInfinity);
            PrometheusJsonWriter.WritePoint(json, 5, 1e-7);
            json.WriteEndArray();
        }

        Assert.Equal("""[[1700000000.120,"0.25"],[-1.500,"-Inf"],[0.005,"1e-07"]]""", Encoding.UTF8.GetString(buffer.WrittenSpan));
    }

    [Theory]
    [InlineData(1_700_000_000_123, "1700000000.123")]
    [InlineData(1_700_000_000_000, "1700000000")]
    [InlineData(1_700_000_000_100, "1700000000.100")]
    [InlineData(5, "0.005")]
    [InlineData(-1500, "-1.500")]
    [InlineData(long.MinValue, "-9223372036854775.808")]
    public void Timestamps_are_seconds_with_three_decimals_as_upstream(long ms, string text)
    {
        var buffer = new byte[32];
        var length = PrometheusJsonWriter.FormatTimestamp(ms, buffer);
        Assert.Equal(text, Encoding.ASCII.GetString(buffer, 0, length));
    }

    private static string FormatUtf8(double value)
    {
        var buffer = new byte[PrometheusJsonWriter.MaxValueLength];
        return Encoding.ASCII.GetString(buffer, 0, PrometheusJsonWriter.FormatValue(value, buffer));
    }

    [Theory]
    [InlineData(1234567, "1.234567e+06")]
    [InlineData(100000, "100000")]
    [InlineData(0.0001, "0.0001")]
    [InlineData(0.00001, "1e-05")]
    [InlineData(-0.0, "0")]
    [InlineData(double.NegativeInfinity, "-Inf")]
    public void Federated_values_are_formatted_as_the_text_format(double value, string text) =>
        Assert.Equal(text, TextExpositionWriter.FormatValue(value));

    [Theory]
    [InlineData("1700000000", 1_700_000_000_000)]
    [InlineData("1700000000.5", 1_700_000_000_500)]
    [InlineData("-1.5", -1500)]
    [InlineData("1e3", 1_000_000)]
    [InlineData("2023-12-31T23:00:00Z", 1_704_063_600_000)]
    [InlineData("2023-12-31T23:00:00.123456789Z", 1_704_063_600_123)]
    [InlineData("2024-01-01T00:00:00+01:00", 1_704_063_600_000)]
    [InlineData("-292273086-05-16T16:47:06Z", ApiParameters.MinTimeMs)]
    [InlineData("292277025-08-18T07:12:54.999999999Z", ApiParameters.MaxTimeMs)]
    public void Times_parse_as_upstream(string text, long ms)
    {
        Assert.True(ApiParameters.TryParseTime(text, out var parsed));
        Assert.Equal(ms, parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("2023-12-31 23:00:00Z")]
    [InlineData("2023-12-31T23:00:00")]
    [InlineData(" 1")]
    public void Bad_times_do_not_parse(string text) => Assert.False(ApiParameters.TryParseTime(text, out _));

    [Theory]
    [InlineData("5m", 300_000)]
    [InlineData("1h30m", 5_400_000)]
    [InlineData("15", 15_000)]
    [InlineData("0.5", 500)]
    [InlineData("-1", -1000)]
    public void Durations_parse_as_upstream(string text, long ms)
    {
        Assert.True(ApiParameters.TryParseDuration(text, out var duration, out _));
        Assert.Equal(ms, (long)duration.TotalMilliseconds);
    }
}
