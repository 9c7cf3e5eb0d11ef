using System.Buffers;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Prometheus remote write 1.0 bodies: a snappy block (not framed) of protobuf
/// <c>prometheus.WriteRequest</c>. The bus carries its messages in this shape, and the
/// remote-write receiver decodes with the same <see cref="Decode"/>.
/// </summary>
public static class RemoteWriteCodec
{
    /// <summary>The largest uncompressed message <see cref="Decode"/> accepts by default (32 MiB).</summary>
    public const int DefaultMaxDecodedBytes = 32 << 20;

    /// <summary>
    /// Decodes a snappy-compressed <c>WriteRequest</c>. Series with invalid labels are returned in
    /// <see cref="RemoteWriteRequest.Rejected"/>, not thrown.
    /// </summary>
    /// <exception cref="RemoteWriteFormatException">The body is not a valid snappy block, decodes to more
    /// than <paramref name="maxDecodedBytes"/>, or is not valid protobuf of the expected shape.</exception>
    public static RemoteWriteRequest Decode(ReadOnlySpan<byte> snappyBody, int maxDecodedBytes = DefaultMaxDecodedBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(maxDecodedBytes);
        var protobuf = SnappyBlock.Decode(snappyBody, maxDecodedBytes);
        return DecodeProtobuf(protobuf);
    }

    /// <summary>Decodes an uncompressed <c>WriteRequest</c>.</summary>
    /// <exception cref="RemoteWriteFormatException">The bytes are not valid protobuf of the expected shape.</exception>
    public static RemoteWriteRequest DecodeProtobuf(ReadOnlySpan<byte> protobuf) => new RemoteWriteDecoder().Decode(protobuf);

    /// <summary>Encodes the series as a snappy-compressed <c>WriteRequest</c> (one message, no size limit).</summary>
    public static byte[] Encode(IReadOnlyList<SeriesSamples> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var size = ProtobufSize(series);
        var buffer = ArrayPool<byte>.Shared.Rent(Math.Max(size, 1));
        try
        {
            WriteProtobuf(series, buffer.AsSpan(0, size));
            return SnappyBlock.Encode(buffer.AsSpan(0, size));
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>Encodes the series as an uncompressed <c>WriteRequest</c>.</summary>
    public static byte[] EncodeProtobuf(IReadOnlyList<SeriesSamples> series)
    {
        ArgumentNullException.ThrowIfNull(series);
        var bytes = new byte[ProtobufSize(series)];
        WriteProtobuf(series, bytes);
        return bytes;
    }

    private static int ProtobufSize(IReadOnlyList<SeriesSamples> series)
    {
        long size = 0;
        for (var i = 0; i < series.Count; i++)
        {
            var s = series[i] ?? throw new ArgumentException($"series {i} is null", nameof(series));
            size += ProtoWriter.LengthDelimitedSize(RemoteWriteEncoder.SeriesPayloadSize(s.Labels, s.Samples, 0, s.Samples.Count));
        }

        return size <= Array.MaxLength
            ? (int)size
            : throw new ArgumentException($"the series encode to {size} bytes, more than one message can hold", nameof(series));
    }

    private static void WriteProtobuf(IReadOnlyList<SeriesSamples> series, Span<byte> destination)
    {
        var writer = new ProtoWriter(destination);
        foreach (var s in series)
        {
            var payload = RemoteWriteEncoder.SeriesPayloadSize(s.Labels, s.Samples, 0, s.Samples.Count);
            RemoteWriteEncoder.WriteSeries(ref writer, s.Labels, s.Samples, 0, s.Samples.Count, payload);
        }
    }
}
