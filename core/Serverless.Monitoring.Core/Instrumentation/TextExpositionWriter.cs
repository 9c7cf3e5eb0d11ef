using System.Buffers;
using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Text;

namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>
/// Writes the Prometheus text exposition format 0.0.4 as UTF-8 into a buffer writer (for
/// example an ASP.NET Core response's <c>BodyWriter</c>), the way Prometheus's Go client does:
/// HELP text escapes <c>\</c> and newline, label values also <c>"</c>, and values are formatted
/// like Go's <c>strconv.FormatFloat(v, 'g', -1, 64)</c> (<c>+Inf</c>, <c>-Inf</c>, <c>NaN</c>,
/// shortest round-trip digits, an exponent from 1e+06 up and below 1e-04).
/// </summary>
public sealed class TextExpositionWriter
{
    /// <summary>The HTTP Content-Type of this format.</summary>
    public const string ContentType = "text/plain; version=0.0.4; charset=utf-8";

    /// <summary>Enough bytes for any formatted value, e.g. <c>-1.7976931348623157e+308</c>.</summary>
    private const int MaxValueBytes = GoFloatFormatter.MaxShortLength;

    private static readonly SearchValues<char> HelpSpecials = SearchValues.Create("\\\n");
    private static readonly SearchValues<char> LabelValueSpecials = SearchValues.Create("\\\n\"");

    private readonly IBufferWriter<byte> _output;

    public TextExpositionWriter(IBufferWriter<byte> output)
    {
        ArgumentNullException.ThrowIfNull(output);
        _output = output;
    }

    /// <summary>Writes the <c># HELP</c> and <c># TYPE</c> lines of a family.</summary>
    public void WriteHelpAndType(string name, string help, MetricType type)
    {
        WriteAscii("# HELP "u8);
        WriteUtf8(name);
        WriteByte((byte)' ');
        WriteEscaped(help, escapeQuote: false);
        WriteAscii("\n# TYPE "u8);
        WriteUtf8(name);
        WriteAscii(type switch
        {
            MetricType.Counter => " counter\n"u8,
            MetricType.Gauge => " gauge\n"u8,
            MetricType.Histogram => " histogram\n"u8,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Unknown metric type."),
        });
    }

    /// <summary>Writes one sample line: <c>name{label="value",...} value</c>.</summary>
    public void WriteSample(string name, ReadOnlySpan<string> labelNames, ReadOnlySpan<string> labelValues, double value) =>
        WriteSample(name, default, labelNames, labelValues, value);

    internal void WriteSample(
        string name,
        ReadOnlySpan<char> suffix,
        ReadOnlySpan<string> labelNames,
        ReadOnlySpan<string> labelValues,
        double value)
    {
        WriteUtf8(name);
        WriteUtf8(suffix);
        if (labelNames.Length > 0)
        {
            WriteByte((byte)'{');
            WriteLabels(labelNames, labelValues);
            WriteByte((byte)'}');
        }

        WriteByte((byte)' ');
        WriteValue(value);
        WriteByte((byte)'\n');
    }

    /// <summary>Writes a histogram bucket line: <c>name_bucket{labels...,le="bound"} count</c>.</summary>
    internal void WriteBucket(
        string name,
        ReadOnlySpan<string> labelNames,
        ReadOnlySpan<string> labelValues,
        double upperBound,
        long cumulativeCount)
    {
        WriteUtf8(name);
        WriteAscii("_bucket{"u8);
        if (labelNames.Length > 0)
        {
            WriteLabels(labelNames, labelValues);
            WriteByte((byte)',');
        }

        WriteAscii("le=\""u8);
        WriteValue(upperBound);
        WriteAscii("\"} "u8);
        WriteValue(cumulativeCount);
        WriteByte((byte)'\n');
    }

    /// <summary>Formats a value as the text format does (Go's <c>FormatFloat(v, 'g', -1, 64)</c>).</summary>
    public static string FormatValue(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxValueBytes];
        var length = FormatValue(value, buffer);
        return Encoding.ASCII.GetString(buffer[..length]);
    }

    /// <summary>Formats a value into <paramref name="destination"/> (at least 32 bytes); returns the length.</summary>
    public static int FormatValue(double value, Span<byte> destination)
    {
        // client_golang writes zero directly, so -0 prints "0" here (Go's 'g' would print "-0").
        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        return GoFloatFormatter.Format(value, 'g', destination);
    }

    private void WriteLabels(ReadOnlySpan<string> labelNames, ReadOnlySpan<string> labelValues)
    {
        if (labelNames.Length != labelValues.Length)
        {
            throw new ArgumentException(
                $"{labelNames.Length} label name(s) but {labelValues.Length} label value(s).",
                nameof(labelValues));
        }

        for (var i = 0; i < labelNames.Length; i++)
        {
            if (i > 0)
            {
                WriteByte((byte)',');
            }

            WriteUtf8(labelNames[i]);
            WriteAscii("=\""u8);
            WriteEscaped(labelValues[i], escapeQuote: true);
            WriteByte((byte)'"');
        }
    }

    private void WriteValue(double value)
    {
        var span = _output.GetSpan(MaxValueBytes);
        _output.Advance(FormatValue(value, span));
    }

    private void WriteValue(long value)
    {
        var span = _output.GetSpan(MaxValueBytes);
        value.TryFormat(span, out var length, default, CultureInfo.InvariantCulture);
        _output.Advance(length);
    }

    private void WriteEscaped(ReadOnlySpan<char> text, bool escapeQuote)
    {
        var specials = escapeQuote ? LabelValueSpecials : HelpSpecials;
        while (true)
        {
            var next = text.IndexOfAny(specials);
            if (next < 0)
            {
                WriteUtf8(text);
                return;
            }

            WriteUtf8(text[..next]);
            WriteAscii(text[next] switch
            {
                '\\' => @"\\"u8,
                '\n' => @"\n"u8,
                _ => "\\\""u8,
            });
            text = text[(next + 1)..];
        }
    }

    private void WriteUtf8(ReadOnlySpan<char> text)
    {
        if (text.IsEmpty)
        {
            return;
        }

        var span = _output.GetSpan(Encoding.UTF8.GetMaxByteCount(text.Length));
        _output.Advance(Encoding.UTF8.GetBytes(text, span));
    }

    private void WriteAscii(ReadOnlySpan<byte> bytes)
    {
        _output.Write(bytes);
    }

    private void WriteByte(byte value)
    {
        _output.GetSpan(1)[0] = value;
        _output.Advance(1);
    }
}
