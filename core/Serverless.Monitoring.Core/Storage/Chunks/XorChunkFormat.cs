using System.Buffers.Binary;

namespace Serverless.Monitoring.Core.Storage.Chunks;

/// <summary>
/// The XOR chunk layout, byte-compatible with Prometheus's XOR chunk (<c>EncXOR</c>), so chunks
/// can be exchanged with Prometheus tooling (e.g. remote read's streamed XOR chunks):
/// <list type="bullet">
/// <item>bytes 0–1: sample count, big-endian uint16;</item>
/// <item>sample 0: timestamp as a zig-zag varint, value as 64 raw bits;</item>
/// <item>sample 1: timestamp delta as an unsigned varint, value XOR-encoded;</item>
/// <item>
/// sample n ≥ 2: delta-of-delta of the timestamp in one of five buckets — '0' (zero),
/// '10' + 14 bits, '110' + 17 bits, '1110' + 20 bits, '1111' + 64 bits — then the value
/// XOR-encoded.
/// </item>
/// </list>
/// A value is XORed with the previous one: '0' when equal; otherwise '1', then '0' + the
/// meaningful bits when they fit the previous leading/trailing-zero window, or '1' + 5 bits of
/// leading zeros (capped at 31) + 6 bits of meaningful-bit count (0 meaning 64) + the bits.
/// Bits are written most significant first. Timestamp arithmetic wraps modulo 2^64 on both
/// sides, so any sequence of <see cref="long"/> timestamps round-trips exactly.
/// </summary>
public static class XorChunkFormat
{
    /// <summary>Prometheus's encoding number for XOR chunks.</summary>
    public const byte Encoding = 1;

    /// <summary>Bytes of header before the bit stream.</summary>
    public const int HeaderSize = 2;

    /// <summary>The most samples a chunk can hold (the header is a uint16).</summary>
    public const int MaxSamples = ushort.MaxValue;

    /// <summary>The sample count recorded in a chunk's header.</summary>
    public static int ReadSampleCount(ReadOnlySpan<byte> chunk)
    {
        if (chunk.Length < HeaderSize)
        {
            throw new InvalidDataException("XOR chunk shorter than its header");
        }

        return BinaryPrimitives.ReadUInt16BigEndian(chunk);
    }
}
