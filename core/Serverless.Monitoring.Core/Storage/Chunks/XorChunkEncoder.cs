using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Storage.Chunks;

/// <summary>
/// Appends samples to one XOR chunk (layout in <see cref="XorChunkFormat"/>). Timestamps must
/// not decrease (equal ones are allowed); values are stored bit-exactly, NaN payloads (the
/// staleness marker), infinities and -0.0 included. <see cref="Bytes"/> is a complete chunk
/// after every append. <see cref="Reset"/> reuses the buffer, so a long-lived encoder does not
/// allocate per chunk.
/// </summary>
public sealed class XorChunkEncoder
{
    private const int InitialCapacity = 256;
    private const byte NoWindow = 0xFF;

    // The bit stream is OR-ed into a zeroed buffer 64 bits at a time, so each field is one
    // unaligned load/store rather than a loop over bits. Bytes past the write position stay zero.
    private byte[] _buffer;
    private int _bitPos;
    private int _count;

    private long _firstT;
    private long _t;
    private ulong _tDelta;
    private ulong _v;
    private byte _leading = NoWindow;
    private byte _trailing;

    /// <summary>Creates an encoder with room for about <paramref name="capacityBytes"/> bytes before growing.</summary>
    public XorChunkEncoder(int capacityBytes = InitialCapacity)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacityBytes, 0);
        _buffer = new byte[Math.Max(capacityBytes, XorChunkFormat.HeaderSize) + 8];
        _bitPos = XorChunkFormat.HeaderSize * 8;
    }

    /// <summary>Samples appended so far.</summary>
    public int Count => _count;

    /// <summary>True when no more samples fit (<see cref="XorChunkFormat.MaxSamples"/>).</summary>
    public bool IsFull => _count == XorChunkFormat.MaxSamples;

    /// <summary>Timestamp of the first sample; undefined while empty.</summary>
    public long MinTimeMs => _firstT;

    /// <summary>Timestamp of the last sample; undefined while empty.</summary>
    public long MaxTimeMs => _t;

    /// <summary>Size of the chunk in bytes.</summary>
    public int ByteCount => (_bitPos + 7) >> 3;

    /// <summary>The chunk so far; valid until the next append or reset.</summary>
    public ReadOnlySpan<byte> Bytes => _buffer.AsSpan(0, ByteCount);

    /// <summary>A copy of the chunk so far.</summary>
    public byte[] ToArray() => Bytes.ToArray();

    /// <summary>Encodes <paramref name="samples"/> as one chunk.</summary>
    public static byte[] Encode(ReadOnlySpan<Sample> samples)
    {
        var encoder = new XorChunkEncoder(XorChunkFormat.HeaderSize + 16 + (samples.Length * 2));
        foreach (var s in samples)
        {
            encoder.Append(s.TimestampMs, s.Value);
        }

        return encoder.ToArray();
    }

    /// <summary>Empties the encoder, keeping its buffer.</summary>
    public void Reset()
    {
        _buffer.AsSpan(0, ByteCount).Clear();
        _bitPos = XorChunkFormat.HeaderSize * 8;
        _count = 0;
        _firstT = 0;
        _t = 0;
        _tDelta = 0;
        _v = 0;
        _leading = NoWindow;
        _trailing = 0;
    }

    /// <summary>Appends a sample.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The timestamp is before the previous one.</exception>
    /// <exception cref="InvalidOperationException">The chunk already holds <see cref="XorChunkFormat.MaxSamples"/>.</exception>
    public void Append(long timestampMs, double value)
    {
        var bits = BitConverter.DoubleToUInt64Bits(value);
        var n = _count;
        if (n >= 2)
        {
            if (timestampMs < _t)
            {
                ThrowOutOfOrder(timestampMs);
            }

            if (n == XorChunkFormat.MaxSamples)
            {
                ThrowFull();
            }

            // Wrapping arithmetic throughout: the decoder undoes it modulo 2^64, so even deltas
            // beyond long's range (long.MinValue to long.MaxValue) round-trip.
            var delta = unchecked((ulong)(timestampMs - _t));
            var dod = unchecked((long)(delta - _tDelta));
            AppendDod(dod);
            _tDelta = delta;
            AppendValue(bits);
        }
        else if (n == 0)
        {
            AppendVarint(timestampMs);
            WriteBits(bits, 64);
            _firstT = timestampMs;
        }
        else
        {
            if (timestampMs < _t)
            {
                ThrowOutOfOrder(timestampMs);
            }

            var delta = unchecked((ulong)(timestampMs - _t));
            AppendUvarint(delta);
            _tDelta = delta;
            AppendValue(bits);
        }

        _t = timestampMs;
        _v = bits;
        _count = n + 1;
        BinaryPrimitives.WriteUInt16BigEndian(_buffer, (ushort)(n + 1));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AppendDod(long dod)
    {
        // Prometheus's buckets: an n-bit field holds -(2^(n-1) - 1) .. 2^(n-1).
        if (dod == 0)
        {
            WriteBits(0, 1);
        }
        else if (FitsIn(dod, 14))
        {
            WriteBits((0b10UL << 14) | ((ulong)dod & 0x3FFF), 16);
        }
        else if (FitsIn(dod, 17))
        {
            WriteBits((0b110UL << 17) | ((ulong)dod & 0x1FFFF), 20);
        }
        else if (FitsIn(dod, 20))
        {
            WriteBits((0b1110UL << 20) | ((ulong)dod & 0xFFFFF), 24);
        }
        else
        {
            WriteBits(0b1111, 4);
            WriteBits((ulong)dod, 64);
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static bool FitsIn(long x, int bits) => x >= -((1L << (bits - 1)) - 1) && x <= 1L << (bits - 1);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void AppendValue(ulong bits)
    {
        var delta = bits ^ _v;
        if (delta == 0)
        {
            WriteBits(0, 1);
            return;
        }

        var leading = BitOperations.LeadingZeroCount(delta);
        var trailing = BitOperations.TrailingZeroCount(delta);

        // The leading-zero count has 5 bits in the stream.
        if (leading >= 32)
        {
            leading = 31;
        }

        if (_leading != NoWindow && leading >= _leading && trailing >= _trailing)
        {
            // Reuse the previous window: '10' + the window's bits.
            var m = 64 - _leading - _trailing;
            var payload = delta >> _trailing;
            if (m <= 54)
            {
                WriteBits((0b10UL << m) | payload, m + 2);
            }
            else
            {
                WriteBits(0b10, 2);
                WriteBits(payload, m);
            }

            return;
        }

        _leading = (byte)leading;
        _trailing = (byte)trailing;
        var sig = 64 - leading - trailing;

        // '11' + 5 bits leading + 6 bits count (64 wraps to 0; 0 never occurs as delta != 0).
        var header = (0b11UL << 11) | ((ulong)leading << 6) | ((ulong)sig & 0x3F);
        if (sig <= 43)
        {
            WriteBits((header << sig) | (delta >> trailing), sig + 13);
        }
        else
        {
            WriteBits(header, 13);
            WriteBits(delta >> trailing, sig);
        }
    }

    private void AppendVarint(long value) => AppendUvarint(unchecked((ulong)((value << 1) ^ (value >> 63))));

    private void AppendUvarint(ulong value)
    {
        while (value >= 0x80)
        {
            WriteBits((value & 0x7F) | 0x80, 8);
            value >>= 7;
        }

        WriteBits(value, 8);
    }

    /// <summary>Writes the low <paramref name="count"/> bits (1..64) of <paramref name="value"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WriteBits(ulong value, int count)
    {
        if (count > 56)
        {
            WriteWide(value, count);
            return;
        }

        var pos = _bitPos;
        var index = pos >> 3;
        if (index > _buffer.Length - 8)
        {
            Grow(index + 8);
        }

        // index + 8 <= length was just ensured, so the 8-byte access stays in the array.
        ref var at = ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_buffer), index);
        var word = BinaryPrimitives.ReverseEndianness(Unsafe.ReadUnaligned<ulong>(ref at));
        word |= (value << (64 - count)) >> (pos & 7);
        Unsafe.WriteUnaligned(ref at, BinaryPrimitives.ReverseEndianness(word));
        _bitPos = pos + count;
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void WriteWide(ulong value, int count)
    {
        WriteBits(value >> 32, count - 32);
        WriteBits(value & 0xFFFF_FFFF, 32);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void Grow(int minLength)
    {
        var next = new byte[Math.Max(minLength, _buffer.Length * 2)];
        _buffer.AsSpan(0, ByteCount).CopyTo(next);
        _buffer = next;
    }

    private void ThrowOutOfOrder(long timestampMs) =>
        throw new ArgumentOutOfRangeException(
            nameof(timestampMs), timestampMs, $"timestamp is before the previous sample's ({_t})");

    private static void ThrowFull() =>
        throw new InvalidOperationException($"an XOR chunk holds at most {XorChunkFormat.MaxSamples} samples");
}
