using System.Buffers;
using System.Globalization;
using System.Text;

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
    private const int MaxValueBytes = 32;

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
    internal static string FormatValue(double value)
    {
        Span<byte> buffer = stackalloc byte[MaxValueBytes];
        var length = FormatValue(value, buffer);
        return Encoding.ASCII.GetString(buffer[..length]);
    }

    /// <summary>Formats a value into <paramref name="destination"/> (at least 32 bytes); returns the length.</summary>
    internal static int FormatValue(double value, Span<byte> destination)
    {
        // client_golang writes these directly; note that -0 == 0 prints "0".
        if (value == 0)
        {
            destination[0] = (byte)'0';
            return 1;
        }

        if (double.IsNaN(value))
        {
            return Copy("NaN"u8, destination);
        }

        if (double.IsPositiveInfinity(value))
        {
            return Copy("+Inf"u8, destination);
        }

        if (double.IsNegativeInfinity(value))
        {
            return Copy("-Inf"u8, destination);
        }

        // .NET's "R" gives the shortest round-trip digits (as Go's -1 precision does), in either
        // plain ("123.456") or scientific ("1.23456E-07") notation. Take its digits and decimal
        // exponent and lay them out again with Go's %g rules.
        Span<char> text = stackalloc char[MaxValueBytes];
        if (!value.TryFormat(text, out var textLength, "R", CultureInfo.InvariantCulture))
        {
            throw new InvalidOperationException("A double did not fit its format buffer.");
        }

        text = text[..textLength];
        Span<byte> digits = stackalloc byte[MaxValueBytes];
        var digitCount = 0;
        var integerDigits = -1;
        var exponent = 0;
        var negative = text[0] == '-';
        for (var i = negative ? 1 : 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsAsciiDigit(c))
            {
                digits[digitCount++] = (byte)c;
            }
            else if (c == '.')
            {
                integerDigits = digitCount;
            }
            else if (c is 'E' or 'e')
            {
                exponent = int.Parse(text[(i + 1)..], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
                break;
            }
        }

        if (integerDigits < 0)
        {
            integerDigits = digitCount;
        }

        // value = 0.d1d2...dn * 10^decimalPoint, with no leading or trailing zero digits.
        var decimalPoint = integerDigits + exponent;
        var start = 0;
        while (start < digitCount - 1 && digits[start] == '0')
        {
            start++;
            decimalPoint--;
        }

        var end = digitCount;
        while (end - 1 > start && digits[end - 1] == '0')
        {
            end--;
        }

        ReadOnlySpan<byte> d = digits[start..end];
        var written = 0;
        if (negative)
        {
            destination[written++] = (byte)'-';
        }

        var scientificExponent = decimalPoint - 1;
        if (scientificExponent < -4 || scientificExponent >= 6)
        {
            // %e: d[.ddd]e±dd
            destination[written++] = d[0];
            if (d.Length > 1)
            {
                destination[written++] = (byte)'.';
                d[1..].CopyTo(destination[written..]);
                written += d.Length - 1;
            }

            destination[written++] = (byte)'e';
            destination[written++] = scientificExponent < 0 ? (byte)'-' : (byte)'+';
            var magnitude = Math.Abs(scientificExponent);
            if (magnitude < 10)
            {
                destination[written++] = (byte)'0';
            }

            magnitude.TryFormat(destination[written..], out var exponentLength, default, CultureInfo.InvariantCulture);
            return written + exponentLength;
        }

        // %f with exactly the digits needed.
        if (decimalPoint > 0)
        {
            var integral = Math.Min(decimalPoint, d.Length);
            d[..integral].CopyTo(destination[written..]);
            written += integral;
            for (var i = d.Length; i < decimalPoint; i++)
            {
                destination[written++] = (byte)'0';
            }
        }
        else
        {
            destination[written++] = (byte)'0';
        }

        if (d.Length > decimalPoint)
        {
            destination[written++] = (byte)'.';
            for (var i = decimalPoint; i < d.Length; i++)
            {
                destination[written++] = i < 0 ? (byte)'0' : d[i];
            }
        }

        return written;
    }

    private static int Copy(ReadOnlySpan<byte> source, Span<byte> destination)
    {
        source.CopyTo(destination);
        return source.Length;
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
