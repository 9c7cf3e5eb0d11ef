using System.Buffers;
using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// JSON values as Prometheus 3's API writes them (jsoniter in encoding/json's compatible mode), for
/// the endpoints compared with it byte for byte: Go <c>string</c> fields HTML-escaped (<c>\u003c</c>,
/// <c>\u003e</c>, <c>\u0026</c>, <c>\u2028</c>, <c>\u2029</c>, lower-case hex); label sets with jsoniter's
/// plain <c>WriteString</c> (no HTML escaping, as the API's <c>labels.Labels</c> encoder does);
/// <c>time.Time</c> as RFC 3339 with up to nine fractional digits and the zone's offset;
/// <c>float64</c> as jsoniter's <c>WriteFloat64</c>. Written as raw values, since
/// <see cref="Utf8JsonWriter"/> escapes by other rules.
/// </summary>
internal static class GoJson
{
    /// <summary>Go's zero <c>time.Time</c>, as <c>MarshalJSON</c> prints it (a rule never evaluated).</summary>
    public const string ZeroTime = "0001-01-01T00:00:00Z";

    private const long NanosPerSecond = 1_000_000_000;

    private static ReadOnlySpan<byte> Hex => "0123456789abcdef"u8;

    /// <summary>A Go <c>string</c> field: <c>"name":"value"</c>, HTML-escaped.</summary>
    public static void WriteString(Utf8JsonWriter json, string name, string value)
    {
        json.WritePropertyName(name);
        WriteStringValue(json, value);
    }

    /// <summary>A Go <c>string</c> value, HTML-escaped.</summary>
    public static void WriteStringValue(Utf8JsonWriter json, string value)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(MaxQuotedLength(value));
        try
        {
            var length = AppendQuoted(value, escapeHtml: true, buffer);
            json.WriteRawValue(buffer.AsSpan(0, length), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>A <c>labels.Labels</c> field: <c>"name":{"l1":"v1",…}</c> in the given (sorted) order.</summary>
    public static void WriteLabels(Utf8JsonWriter json, string name, ReadOnlySpan<Label> labels)
    {
        json.WritePropertyName(name);
        var size = 2;
        foreach (var label in labels)
        {
            size += MaxQuotedLength(label.Name) + MaxQuotedLength(label.Value) + 2;
        }

        var buffer = ArrayPool<byte>.Shared.Rent(size);
        try
        {
            var n = 0;
            buffer[n++] = (byte)'{';
            for (var i = 0; i < labels.Length; i++)
            {
                if (i > 0)
                {
                    buffer[n++] = (byte)',';
                }

                n += AppendQuoted(labels[i].Name, escapeHtml: false, buffer.AsSpan(n));
                buffer[n++] = (byte)':';
                n += AppendQuoted(labels[i].Value, escapeHtml: false, buffer.AsSpan(n));
            }

            buffer[n++] = (byte)'}';
            json.WriteRawValue(buffer.AsSpan(0, n), skipInputValidation: true);
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A <c>time.Time</c> field; <paramref name="unixNanos"/> null is the zero time. Go prints a time in
    /// its own location: <paramref name="zone"/> is that location (UTC for evaluation slots, the
    /// local zone for wall-clock readings taken with <c>time.Now()</c>).
    /// </summary>
    public static void WriteTime(Utf8JsonWriter json, string name, long? unixNanos, TimeZoneInfo zone)
    {
        json.WritePropertyName(name);
        Span<byte> buffer = stackalloc byte[40];
        buffer[0] = (byte)'"';
        var n = 1 + FormatTime(unixNanos, zone, buffer[1..]);
        buffer[n++] = (byte)'"';
        json.WriteRawValue(buffer[..n], skipInputValidation: true);
    }

    /// <summary>A <c>time.Duration</c>'s <c>Seconds()</c> as a <c>float64</c> field.</summary>
    public static void WriteSeconds(Utf8JsonWriter json, string name, TimeSpan duration)
    {
        json.WritePropertyName(name);
        Span<byte> buffer = stackalloc byte[GoFloatFormatter.MaxShortLength];
        json.WriteRawValue(buffer[..FormatFloat64(Seconds(duration), buffer)], skipInputValidation: true);
    }

    /// <summary>Go's <c>Duration.Seconds()</c>: whole seconds plus the nanoseconds over 1e9, as two conversions.</summary>
    public static double Seconds(TimeSpan duration)
    {
        var nanos = duration.Ticks * 100;
        return (nanos / NanosPerSecond) + ((nanos % NanosPerSecond) / 1e9);
    }

    /// <summary>jsoniter's <c>WriteFloat64</c>: <c>'f'</c>, or <c>'e'</c> below 1e-6 and from 1e21 (exponent kept as Go prints it, e.g. <c>5e-07</c>).</summary>
    public static int FormatFloat64(double value, Span<byte> destination)
    {
        var abs = Math.Abs(value);
        return GoFloatFormatter.Format(value, abs != 0 && (abs < 1e-6 || abs >= 1e21) ? 'e' : 'f', destination);
    }

    /// <summary>The text (unquoted) of <see cref="WriteTime"/>.</summary>
    public static string FormatTime(long? unixNanos, TimeZoneInfo zone)
    {
        Span<byte> buffer = stackalloc byte[40];
        return Encoding.ASCII.GetString(buffer[..FormatTime(unixNanos, zone, buffer)]);
    }

    /// <summary>The quoted JSON text of <paramref name="value"/>: HTML-escaped (Go <c>string</c> fields) or not (label names and values).</summary>
    public static string Quote(string value, bool escapeHtml)
    {
        var buffer = new byte[MaxQuotedLength(value)];
        return Encoding.UTF8.GetString(buffer, 0, AppendQuoted(value, escapeHtml, buffer));
    }

    private static int FormatTime(long? unixNanos, TimeZoneInfo zone, Span<byte> destination)
    {
        if (unixNanos is not { } ns)
        {
            return Encoding.ASCII.GetBytes(ZeroTime, destination);
        }

        var seconds = Math.DivRem(ns, NanosPerSecond, out var fraction);
        if (fraction < 0)
        {
            seconds--;
            fraction += NanosPerSecond;
        }

        var utc = DateTimeOffset.FromUnixTimeSeconds(seconds);
        var offsetMinutes = (int)zone.GetUtcOffset(utc).TotalMinutes;
        var local = utc.ToOffset(TimeSpan.FromMinutes(offsetMinutes)).DateTime;
        var n = 0;
        n += Digits(local.Year, 4, destination[n..]);
        destination[n++] = (byte)'-';
        n += Digits(local.Month, 2, destination[n..]);
        destination[n++] = (byte)'-';
        n += Digits(local.Day, 2, destination[n..]);
        destination[n++] = (byte)'T';
        n += Digits(local.Hour, 2, destination[n..]);
        destination[n++] = (byte)':';
        n += Digits(local.Minute, 2, destination[n..]);
        destination[n++] = (byte)':';
        n += Digits(local.Second, 2, destination[n..]);
        if (fraction != 0)
        {
            // RFC3339Nano's ".999999999": nine digits, trailing zeros dropped.
            destination[n++] = (byte)'.';
            var digits = 9;
            while (fraction % 10 == 0)
            {
                fraction /= 10;
                digits--;
            }

            n += Digits((int)fraction, digits, destination[n..]);
        }

        if (offsetMinutes == 0)
        {
            destination[n++] = (byte)'Z';
            return n;
        }

        destination[n++] = offsetMinutes < 0 ? (byte)'-' : (byte)'+';
        var abs = Math.Abs(offsetMinutes);
        n += Digits(abs / 60, 2, destination[n..]);
        destination[n++] = (byte)':';
        n += Digits(abs % 60, 2, destination[n..]);
        return n;
    }

    private static int Digits(int value, int width, Span<byte> destination)
    {
        for (var i = width - 1; i >= 0; i--)
        {
            destination[i] = (byte)('0' + (value % 10));
            value /= 10;
        }

        return width;
    }

    /// <summary>Room for any quoting of <paramref name="value"/>: at most six bytes per UTF-16 unit, and the quotes.</summary>
    private static int MaxQuotedLength(string value) => (value.Length * 6) + 2;

    /// <summary>
    /// Quotes as jsoniter: <c>\"</c>, <c>\\</c>, <c>\n</c>, <c>\r</c>, <c>\t</c>, other controls as
    /// <c>\u00xx</c>; with <paramref name="escapeHtml"/> also &lt;, &gt;, &amp;, U+2028, U+2029, and
    /// invalid UTF-8 (here a lone surrogate) as <c>\ufffd</c>. Everything else is UTF-8 as is.
    /// </summary>
    private static int AppendQuoted(string value, bool escapeHtml, Span<byte> destination)
    {
        var n = 0;
        destination[n++] = (byte)'"';
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c < 0x80)
            {
                if (c >= 0x20 && c != '"' && c != '\\' && !(escapeHtml && c is '<' or '>' or '&'))
                {
                    destination[n++] = (byte)c;
                    continue;
                }

                destination[n++] = (byte)'\\';
                switch (c)
                {
                    case '"' or '\\':
                        destination[n++] = (byte)c;
                        break;
                    case '\n':
                        destination[n++] = (byte)'n';
                        break;
                    case '\r':
                        destination[n++] = (byte)'r';
                        break;
                    case '\t':
                        destination[n++] = (byte)'t';
                        break;
                    default:
                        destination[n++] = (byte)'u';
                        destination[n++] = (byte)'0';
                        destination[n++] = (byte)'0';
                        destination[n++] = Hex[c >> 4];
                        destination[n++] = Hex[c & 0xF];
                        break;
                }

                continue;
            }

            if (escapeHtml && c is '\u2028' or '\u2029')
            {
                n += Encoding.ASCII.GetBytes(@"\u202", destination[n..]);
                destination[n++] = Hex[c & 0xF];
                continue;
            }

            Rune rune;
            if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
            {
                rune = new Rune(c, value[i + 1]);
                i++;
            }
            else if (char.IsSurrogate(c))
            {
                if (escapeHtml)
                {
                    n += Encoding.ASCII.GetBytes(@"\ufffd", destination[n..]);
                    continue;
                }

                rune = Rune.ReplacementChar;
            }
            else
            {
                rune = new Rune(c);
            }

            n += rune.EncodeToUtf8(destination[n..]);
        }

        destination[n++] = (byte)'"';
        return n;
    }
}
