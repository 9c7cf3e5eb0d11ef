using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

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
        var abs = Math.Abs(value);
        if (abs != 0 && !double.IsNaN(abs) && !double.IsInfinity(abs) && (abs < 1e-6 || abs >= 1e21))
        {
            return FormatExponent(value);
        }

        return Printer.FormatNumber(value);
    }

    /// <summary>
    /// <see cref="FormatValue(double)"/> as UTF-8 into <paramref name="destination"/> (at least
    /// <see cref="MaxValueLength"/> bytes); returns the length. Values from 1e-5 to below 1e15 (where
    /// .NET's shortest round-trip text is already Go's <c>'f'</c> form) are formatted without allocating.
    /// </summary>
    public static int FormatValue(double value, Span<byte> destination)
    {
        // Whole numbers (counters, bytes, counts) as integers: four times faster than the shortest
        // round-trip double format, and the same digits. Negative zero keeps its sign ("-0") below.
        if (value is > -1e15 and < 1e15 && value == Math.Truncate(value) && !(value == 0 && double.IsNegative(value))
            && ((long)value).TryFormat(destination, out var whole, default, CultureInfo.InvariantCulture))
        {
            return whole;
        }

        if (double.IsFinite(value)
            && value.TryFormat(destination, out var written, "R", CultureInfo.InvariantCulture)
            && destination[..written].IndexOfAny((byte)'E', (byte)'e') < 0)
        {
            return written;
        }

        return Encoding.ASCII.GetBytes(FormatValue(value), destination);
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

    /// <summary>Go's <c>strconv.FormatFloat(v, 'e', -1, 64)</c>: shortest digits, <c>d.ddde±XX</c>.</summary>
    public static string FormatExponent(double value)
    {
        // Shortest round-trip digits come from "R"; take its mantissa and exponent whatever form it used.
        var shortest = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = shortest[0] == '-';
        var body = negative ? shortest[1..] : shortest;
        var e = body.IndexOfAny(['E', 'e']);
        var mantissa = e < 0 ? body : body[..e];
        var exponent = e < 0 ? 0 : int.Parse(body.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
        var dot = mantissa.IndexOf('.', StringComparison.Ordinal);
        var digits = (dot < 0 ? mantissa : mantissa.Remove(dot, 1)).TrimStart('0');
        var leadingZeros = (dot < 0 ? mantissa : mantissa.Remove(dot, 1)).Length - digits.Length;
        var pointPos = (dot < 0 ? mantissa.Length : dot) - leadingZeros;
        digits = digits.TrimEnd('0');
        if (digits.Length == 0)
        {
            return negative ? "-0e+00" : "0e+00";
        }

        var exp10 = pointPos - 1 + exponent;
        var text = digits.Length == 1 ? digits : digits[..1] + "." + digits[1..];
        var expText = Math.Abs(exp10).ToString("00", CultureInfo.InvariantCulture);
        return (negative ? "-" : string.Empty) + text + "e" + (exp10 < 0 ? "-" : "+") + expText;
    }

    private static IEnumerable<ResultSeries> Limited(IReadOnlyList<ResultSeries> series, int limit) =>
        limit > 0 && series.Count > limit ? series.Take(limit) : series;
}
