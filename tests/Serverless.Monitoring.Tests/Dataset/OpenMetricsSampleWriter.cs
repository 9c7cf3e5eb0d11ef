using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Tests.Dataset;

/// <summary>
/// Buffers OpenMetrics text and hands it to a stream in large writes. Sample lines are
/// assembled from pre-encoded parts (series prefix, timestamp suffix) and a formatted value,
/// so the per-sample cost is a couple of copies and one number format.
/// </summary>
internal sealed class OpenMetricsSampleWriter(Stream stream)
{
    private const int BufferSize = 1 << 20;

    /// <summary>Room kept free for one more line; lines are far shorter.</summary>
    private const int LineReserve = 4096;

    private readonly byte[] _buffer = new byte[BufferSize];
    private int _length;

    public long BytesWritten { get; private set; }

    public bool IsFull => _length > BufferSize - LineReserve;

    public void WriteMetadata(string kind, string familyName, string text)
    {
        WriteText($"# {kind} {familyName} {text}\n");
    }

    public void WriteText(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > BufferSize - _length)
        {
            throw new InvalidOperationException("Flush before writing more text.");
        }

        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    /// <summary><c>prefix value timestampSuffix</c>: the prefix ends with a space, the suffix is " seconds.millis\n".</summary>
    public void WriteSample(ReadOnlySpan<byte> prefix, double value, ReadOnlySpan<byte> timestampSuffix)
    {
        var span = _buffer.AsSpan(_length);
        prefix.CopyTo(span);
        var n = prefix.Length;
        n += FormatValue(value, span[n..]);
        timestampSuffix.CopyTo(span[n..]);
        _length += n + timestampSuffix.Length;
    }

    public async ValueTask FlushAsync(CancellationToken cancellationToken)
    {
        if (_length == 0)
        {
            return;
        }

        await stream.WriteAsync(_buffer.AsMemory(0, _length), cancellationToken);
        BytesWritten += _length;
        _length = 0;
    }

    /// <summary>Whole numbers as integers, everything else as Go's shortest <c>%g</c> (what exporters write).</summary>
    private static int FormatValue(double value, Span<byte> destination)
    {
        if (Math.Abs(value) < 1e15 && value == Math.Floor(value))
        {
            ((long)value).TryFormat(destination, out var written, default, CultureInfo.InvariantCulture);
            return written;
        }

        return TextExpositionWriter.FormatValue(value, destination);
    }
}
