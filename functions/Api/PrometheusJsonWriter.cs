using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Prometheus's JSON encodings (web/api/v1 json_codec.go, util/jsonutil): label sets as objects,
/// timestamps as JSON numbers in seconds with up to three decimals, sample values as strings
/// (Go's <c>'f'</c> format, <c>'e'</c> below 1e-6 and from 1e21; <c>NaN</c>, <c>+Inf</c>, <c>-Inf</c>).
/// </summary>
internal static class PrometheusJsonWriter
{
    /// <summary>The longest <see cref="FormatValue(double, Span{byte})"/> text, with room to spare (Go's <c>'f'</c> form of 1e-6 with 17 digits is 25).</summary>
    public const int MaxValueLength = 40;

    /// <summary>Like Go's encoder: no escaping beyond what JSON needs (Go escapes &lt;, &gt;, &amp; too; both parse the same).</summary>
    public static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping, SkipValidation = false };

    public static void WriteLabels(Utf8JsonWriter json, LabelSet labels)
    {
        json.WriteStartObject();
        foreach (var label in labels)
        {
            json.WriteString(label.Name, label.Value);
        }

        json.WriteEndObject();
    }

    /// <summary>upstream's <c>MarshalTimestamp</c>: whole seconds, then three decimals when the milliseconds are not zero.</summary>
    public static void WriteTimestamp(Utf8JsonWriter json, long milliseconds)
    {
        Span<byte> buffer = stackalloc byte[32];
        var length = FormatTimestamp(milliseconds, buffer);
        json.WriteRawValue(buffer[..length], skipInputValidation: true);
    }

    /// <summary>Writes the timestamp's text into <paramref name="destination"/> (32 bytes); returns the length.</summary>
    public static int FormatTimestamp(long milliseconds, Span<byte> destination)
    {
        var n = 0;
        var magnitude = milliseconds < 0 ? (ulong)(-(milliseconds + 1)) + 1 : (ulong)milliseconds;
        if (milliseconds < 0)
        {
            destination[n++] = (byte)'-';
        }

        (magnitude / 1000).TryFormat(destination[n..], out var written, default, CultureInfo.InvariantCulture);
        n += written;
        var fraction = (int)(magnitude % 1000);
        if (fraction != 0)
        {
            // As upstream: always three digits (".120", not ".12"); by hand, as a custom numeric
            // format ("000") costs more than the rest of the point.
            destination[n] = (byte)'.';
            destination[n + 1] = (byte)('0' + (fraction / 100));
            destination[n + 2] = (byte)('0' + (fraction / 10 % 10));
            destination[n + 3] = (byte)('0' + (fraction % 10));
            n += 4;
        }

        return n;
    }

    /// <summary>upstream's <c>MarshalFloat</c> text (without the quotes).</summary>
    public static string FormatValue(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxValueLength];
        return Encoding.ASCII.GetString(buffer[..FormatValue(value, buffer)]);
    }

    /// <summary>
    /// <see cref="FormatValue(double)"/> as UTF-8 into <paramref name="destination"/> (at least
    /// <see cref="MaxValueLength"/> bytes); returns the length.
    /// </summary>
    public static int FormatValue(double value, Span<byte> destination)
    {
        // Whole numbers (counters, bytes, counts) as integers: the same digits, and cheaper than
        // the shortest-digits search. Negative zero keeps its sign ("-0") below.
        if (value is > -1e15 and < 1e15 && value == Math.Truncate(value) && !(value == 0 && double.IsNegative(value))
            && ((long)value).TryFormat(destination, out var whole, default, CultureInfo.InvariantCulture))
        {
            return whole;
        }

        // NaN compares false both ways and prints as "NaN" in either format.
        var abs = Math.Abs(value);
        var format = abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f';
        return GoFloatFormatter.Format(value, format, destination);
    }

    public static void WriteValue(Utf8JsonWriter json, double value)
    {
        Span<byte> buffer = stackalloc byte[MaxValueLength];
        json.WriteStringValue(buffer[..FormatValue(value, buffer)]);
    }

    /// <summary><c>[ts,"value"]</c>, formatted on the stack and written as one raw value (the hot path of every query response).</summary>
    public static void WritePoint(Utf8JsonWriter json, long timestampMs, double value)
    {
        Span<byte> buffer = stackalloc byte[1 + 32 + 2 + MaxValueLength + 2];
        buffer[0] = (byte)'[';
        var n = 1 + FormatTimestamp(timestampMs, buffer[1..]);
        buffer[n++] = (byte)',';
        buffer[n++] = (byte)'"';
        n += FormatValue(value, buffer[n..]);
        buffer[n++] = (byte)'"';
        buffer[n++] = (byte)']';
        json.WriteRawValue(buffer[..n], skipInputValidation: true);
    }

    /// <summary>The <c>data</c> of a query: <c>{"resultType":…,"result":…}</c> (stats are added by the caller).</summary>
    public static void WriteQueryResult(Utf8JsonWriter json, QueryResult result, int limit, long evaluationTimeMs)
    {
        json.WriteString("resultType", result.Type.Name());
        json.WritePropertyName("result");
        switch (result.Type)
        {
            case ExprType.Scalar:
                WritePoint(json, result.Scalar.TimestampMs, result.Scalar.Value);
                break;
            case ExprType.String:
                json.WriteStartArray();
                WriteTimestamp(json, evaluationTimeMs);
                json.WriteStringValue(result.StringValue);
                json.WriteEndArray();
                break;
            case ExprType.Vector:
                json.WriteStartArray();
                foreach (var series in Limited(result.Series, limit))
                {
                    json.WriteStartObject();
                    json.WritePropertyName("metric");
                    WriteLabels(json, series.Labels);
                    json.WritePropertyName("value");
                    var point = series.Points[0];
                    WritePoint(json, point.TimestampMs, point.Value);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
                break;
            default:
                WriteMatrix(json, Limited(result.Series, limit).ToList());
                break;
        }
    }

    /// <summary>
    /// Matrices of at least this many points format their series' <c>values</c> on all cores
    /// (formatting doubles is most of a large response's cost), then write them in order.
    /// </summary>
    internal static int ParallelMatrixPoints { get; set; } = 4096;

    private static void WriteMatrix(Utf8JsonWriter json, List<ResultSeries> series)
    {
        var points = 0L;
        foreach (var s in series)
        {
            points += s.Points.Count;
        }

        byte[][]? formatted = null;
        int[]? lengths = null;
        if (series.Count > 1 && points >= ParallelMatrixPoints)
        {
            formatted = new byte[series.Count][];
            lengths = new int[series.Count];
            Parallel.For(0, series.Count, i =>
            {
                var buffer = System.Buffers.ArrayPool<byte>.Shared.Rent(2 + (series[i].Points.Count * (MaxPointLength + 1)));
                lengths[i] = FormatValues(series[i].Points, buffer);
                formatted[i] = buffer;
            });
        }

        json.WriteStartArray();
        for (var i = 0; i < series.Count; i++)
        {
            json.WriteStartObject();
            json.WritePropertyName("metric");
            WriteLabels(json, series[i].Labels);
            if (formatted is not null)
            {
                json.WritePropertyName("values");
                json.WriteRawValue(formatted[i].AsSpan(0, lengths![i]), skipInputValidation: true);
                System.Buffers.ArrayPool<byte>.Shared.Return(formatted[i]);
            }
            else
            {
                json.WriteStartArray("values");
                foreach (var point in series[i].Points)
                {
                    WritePoint(json, point.TimestampMs, point.Value);
                }

                json.WriteEndArray();
            }

            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    private const int MaxPointLength = 1 + 32 + 2 + MaxValueLength + 2;

    /// <summary><c>[[ts,"v"],...]</c> into <paramref name="destination"/>; returns the length.</summary>
    private static int FormatValues(IReadOnlyList<Sample> points, byte[] destination)
    {
        var span = destination.AsSpan();
        var n = 0;
        span[n++] = (byte)'[';
        for (var i = 0; i < points.Count; i++)
        {
            if (i > 0)
            {
                span[n++] = (byte)',';
            }

            span[n++] = (byte)'[';
            n += FormatTimestamp(points[i].TimestampMs, span[n..]);
            span[n++] = (byte)',';
            span[n++] = (byte)'"';
            n += FormatValue(points[i].Value, span[n..]);
            span[n++] = (byte)'"';
            span[n++] = (byte)']';
        }

        span[n++] = (byte)']';
        return n;
    }

    private static IEnumerable<ResultSeries> Limited(IReadOnlyList<ResultSeries> series, int limit) =>
        limit > 0 && series.Count > limit ? series.Take(limit) : series;
}
