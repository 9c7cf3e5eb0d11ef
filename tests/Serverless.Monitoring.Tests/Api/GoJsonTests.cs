using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Functions.Api;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// <see cref="GoJson"/> against what Prometheus's API writes: the HTML-escaped strings and times were
/// printed by Go's encoding/json (the same escapes as jsoniter's HTML-safe writer), the label quoting
/// follows jsoniter's plain <c>WriteString</c>, the floats its <c>WriteFloat64</c>.
/// </summary>
public sealed class GoJsonTests
{
    /// <summary>Input, as a Go string field (HTML-escaped), as a label value (jsoniter's plain writer).</summary>
    public static TheoryData<string, string, string> Strings => new()
    {
        { "plain", "\"plain\"", "\"plain\"" },
        { "a<b>&c", "\"a\\u003cb\\u003e\\u0026c\"", "\"a<b>&c\"" },
        { "q\"uote\\", "\"q\\\"uote\\\\\"", "\"q\\\"uote\\\\\"" },
        { "\n\r\t", "\"\\n\\r\\t\"", "\"\\n\\r\\t\"" },
        { "\b\f\u0001\u001f", "\"\\u0008\\u000c\\u0001\\u001f\"", "\"\\u0008\\u000c\\u0001\\u001f\"" },
        { "\u007f", "\"\u007f\"", "\"\u007f\"" },
        { "é€😀", "\"é€😀\"", "\"é€😀\"" },
        { "\u2028\u2029", "\"\\u2028\\u2029\"", "\"\u2028\u2029\"" },
        { "", "\"\"", "\"\"" },
    };

    /// <summary>Unix ns (null: zero time), zone offset in minutes, Go's <c>MarshalJSON</c> text.</summary>
    public static TheoryData<long?, int, string> Times => new()
    {
        { null, 0, "0001-01-01T00:00:00Z" },
        { null, 330, "0001-01-01T00:00:00Z" },
        { 0, 0, "1970-01-01T00:00:00Z" },
        { 1_700_000_000_500_000_000, 0, "2023-11-14T22:13:20.5Z" },
        { 1_700_000_000_123_456_789, 0, "2023-11-14T22:13:20.123456789Z" },
        { 1_700_000_000_000_001_000, 0, "2023-11-14T22:13:20.000001Z" },
        { 1_700_000_000_000_000_000, 330, "2023-11-15T03:43:20+05:30" },
        { 1_700_000_000_250_000_000, -180, "2023-11-14T19:13:20.25-03:00" },
        { -1, 0, "1969-12-31T23:59:59.999999999Z" },
    };

    /// <summary>Ticks of a duration, jsoniter's float64 text of its <c>Seconds()</c>.</summary>
    public static TheoryData<long, string> Durations => new()
    {
        { 0, "0" },
        { TimeSpan.TicksPerSecond * 15, "15" },
        { TimeSpan.TicksPerMillisecond * 1500, "1.5" },
        { TimeSpan.TicksPerMillisecond, "0.001" },
        { 1, "1e-07" },
        { TimeSpan.TicksPerHour, "3600" },
        { 1234, "0.0001234" },
        { TimeSpan.TicksPerMillisecond * 1100, "1.1" },
        { TimeSpan.TicksPerMillisecond * 3300, "3.3" },
    };

    [Theory]
    [MemberData(nameof(Strings))]
    public void Strings_are_quoted_as_Prometheus_writes_fields_and_labels(string value, string field, string label)
    {
        Assert.Equal("{\"s\":" + field + "}", Write(json => GoJson.WriteString(json, "s", value)));
        Assert.Equal("{\"l\":{\"n\":" + label + "}}", Write(json => GoJson.WriteLabels(json, "l", [new Label("n", value)])));
        Assert.Equal(field, GoJson.Quote(value, escapeHtml: true));
        Assert.Equal(label, GoJson.Quote(value, escapeHtml: false));
    }

    [Fact]
    public void A_lone_surrogate_is_invalid_UTF_8_to_Go()
    {
        // Not theory data: xunit would replace the lone surrogate when it serializes the case.
        const string value = "bad\ud800utf8";
        Assert.Equal("\"bad\\ufffdutf8\"", GoJson.Quote(value, escapeHtml: true));
        Assert.Equal("\"bad\ufffdutf8\"", GoJson.Quote(value, escapeHtml: false));
    }

    [Fact]
    public void Label_sets_keep_their_order_and_empty_ones_are_empty_objects()
    {
        Assert.Equal("{\"l\":{}}", Write(json => GoJson.WriteLabels(json, "l", [])));
        Assert.Equal(
            "{\"l\":{\"alertname\":\"X\",\"le\":\"<0.5>\",\"path\":\"/a&b\"}}",
            Write(json => GoJson.WriteLabels(json, "l", LabelSet.FromStrings("alertname", "X", "le", "<0.5>", "path", "/a&b").AsSpan())));
    }

    [Theory]
    [MemberData(nameof(Times))]
    public void Times_are_printed_as_Go_marshals_time_Time(long? unixNanos, int offsetMinutes, string expected)
    {
        var zone = TimeZoneInfo.CreateCustomTimeZone("test", TimeSpan.FromMinutes(offsetMinutes), "test", "test");
        Assert.Equal(expected, GoJson.FormatTime(unixNanos, zone));
        Assert.Equal("{\"t\":\"" + expected + "\"}", Write(json => GoJson.WriteTime(json, "t", unixNanos, zone)));
    }

    [Theory]
    [MemberData(nameof(Durations))]
    public void Durations_are_float_seconds_as_jsoniter_writes_them(long ticks, string expected)
    {
        Assert.Equal("{\"d\":" + expected + "}", Write(json => GoJson.WriteSeconds(json, "d", TimeSpan.FromTicks(ticks))));
    }

    private static string Write(Action<Utf8JsonWriter> write)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer, PrometheusJsonWriter.Options))
        {
            json.WriteStartObject();
            write(json);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.ToArray());
    }
}
