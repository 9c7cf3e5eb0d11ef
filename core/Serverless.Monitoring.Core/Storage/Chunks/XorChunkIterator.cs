using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Storage.Chunks;

/// <summary>
/// Decodes an XOR chunk (layout in <see cref="XorChunkFormat"/>) sample by sample without
/// allocating. Call <see cref="MoveNext"/> (or <see cref="Seek"/>) before reading
/// <see cref="Timestamp"/> and <see cref="Value"/>. <see cref="Reset"/> points the iterator at
/// another chunk, so one instance can serve many chunks. A chunk whose bits run out before its
/// sample count throws <see cref="InvalidDataException"/>.
/// </summary>
public sealed class XorChunkIterator
{
    // The reader loads the 64 bits starting at the current byte and shifts off the bits already
    // consumed, leaving at least 57 valid bits: every field but 64-bit ones decodes from one load.
    private const int PeekBits = 57;

    private byte[] _data = [];
    private long _bitPos;
    private long _endBit;
    private int _total;
    private int _read;
    private bool _done;

    private long _t;
    private ulong _tDelta;
    private ulong _v;
    private int _leading;
    private int _trailing;

    /// <summary>Creates an iterator over <paramref name="chunk"/>.</summary>
    public XorChunkIterator(ReadOnlyMemory<byte> chunk)
    {
        Reset(chunk);
    }

    /// <summary>Number of samples in the chunk.</summary>
    public int Count => _total;

    /// <summary>Timestamp of the current sample.</summary>
    public long Timestamp => _t;

    /// <summary>Value of the current sample, bit-exact.</summary>
    public double Value => BitConverter.UInt64BitsToDouble(_v);

    /// <summary>The current sample.</summary>
    public Sample Current => new(_t, BitConverter.UInt64BitsToDouble(_v));

    /// <summary>Starts over on <paramref name="chunk"/>.</summary>
    public void Reset(ReadOnlyMemory<byte> chunk)
    {
        var total = XorChunkFormat.ReadSampleCount(chunk.Span);

        // Array-backed memory is read in place; the bytes after the chunk within the same array
        // may be loaded but are never consumed.
        int offset;
        if (MemoryMarshal.TryGetArray(chunk, out var segment) && segment.Array is not null)
        {
            _data = segment.Array;
            offset = segment.Offset;
        }
        else
        {
            _data = chunk.ToArray();
            offset = 0;
        }

        _bitPos = (offset + (long)XorChunkFormat.HeaderSize) * 8;
        _endBit = (offset + (long)chunk.Length) * 8;
        _total = total;
        _read = 0;
        _done = false;
        _t = 0;
        _tDelta = 0;
        _v = 0;
        _leading = 0;
        _trailing = 0;
    }

    /// <summary>Advances to the next sample; false at the end of the chunk.</summary>
    public bool MoveNext()
    {
        var read = _read;
        if (read >= _total)
        {
            _done = true;
            return false;
        }

        if (read < 2)
        {
            ReadHead(read);
        }
        else
        {
            var pos = _bitPos;
            var w = Peek(pos);
            long dod;
            if ((long)w >= 0)
            {
                // '0': same delta as before, the common case for regular scrapes.
                pos += 1;
                dod = 0;
            }
            else if ((w & (1UL << 62)) == 0)
            {
                dod = Signed((w >> 48) & 0x3FFF, 14);
                pos += 16;
            }
            else if ((w & (1UL << 61)) == 0)
            {
                dod = Signed((w >> 44) & 0x1FFFF, 17);
                pos += 20;
            }
            else if ((w & (1UL << 60)) == 0)
            {
                dod = Signed((w >> 40) & 0xFFFFF, 20);
                pos += 24;
            }
            else
            {
                pos += 4;
                dod = (long)ReadBits(ref pos, 64);
            }

            // Wrapping, mirroring the encoder.
            var delta = unchecked(_tDelta + (ulong)dod);
            _tDelta = delta;
            _t = unchecked(_t + (long)delta);
            _bitPos = ReadValue(pos);
        }

        if (_bitPos > _endBit)
        {
            ThrowTruncated();
        }

        _read = read + 1;
        return true;
    }

    /// <summary>
    /// Advances to the first sample at or after <paramref name="timestampMs"/>, staying put when
    /// the current sample already qualifies (never moves backwards); false when none remains.
    /// </summary>
    public bool Seek(long timestampMs)
    {
        if (_done)
        {
            return false;
        }

        if (_read > 0 && _t >= timestampMs)
        {
            return true;
        }

        while (MoveNext())
        {
            if (_t >= timestampMs)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>Samples 0 and 1 carry their timestamps as varints.</summary>
    private void ReadHead(int read)
    {
        var pos = _bitPos;
        if (read == 0)
        {
            var zigzag = ReadUvarint(ref pos);
            _t = (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
            _v = ReadBits(ref pos, 64);
            _bitPos = pos;
        }
        else
        {
            _tDelta = ReadUvarint(ref pos);
            _t = unchecked(_t + (long)_tDelta);
            _bitPos = ReadValue(pos);
        }
    }

    /// <summary>Decodes one XOR-encoded value starting at <paramref name="pos"/>; returns the position after it.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private long ReadValue(long pos)
    {
        var w = Peek(pos);
        if ((long)w >= 0)
        {
            // '0': value unchanged.
            return pos + 1;
        }

        ulong bits;
        if ((w & (1UL << 62)) == 0)
        {
            // '10': the previous leading/trailing window.
            var m = 64 - _leading - _trailing;
            if (m <= PeekBits - 2)
            {
                bits = (w << 2) >> (64 - m);
                pos += 2 + m;
            }
            else
            {
                pos += 2;
                bits = ReadBits(ref pos, m);
            }
        }
        else
        {
            // '11': a new window, 5 bits of leading zeros and 6 bits of length (0 meaning 64).
            var leading = (int)(w >> 57) & 0x1F;
            var m = (int)(w >> 51) & 0x3F;
            if (m == 0)
            {
                m = 64;
            }

            var trailing = 64 - leading - m;
            if (trailing < 0)
            {
                ThrowCorrupt();
            }

            _leading = leading;
            _trailing = trailing;
            if (m <= PeekBits - 13)
            {
                bits = (w << 13) >> (64 - m);
                pos += 13 + m;
            }
            else
            {
                pos += 13;
                bits = ReadBits(ref pos, m);
            }
        }

        _v ^= bits << _trailing;
        return pos;
    }

    /// <summary>
    /// Undoes Prometheus's n-bit encoding of a delta-of-delta, whose range is
    /// -(2^(n-1) - 1) .. 2^(n-1): patterns above 2^(n-1) are negative.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static long Signed(ulong bits, int n) =>
        bits > (1UL << (n - 1)) ? (long)bits - (1L << n) : (long)bits;

    /// <summary>Reads <paramref name="count"/> (1..64) bits.</summary>
    private ulong ReadBits(ref long pos, int count)
    {
        if (count <= PeekBits)
        {
            var w = Peek(pos);
            pos += count;
            return w >> (64 - count);
        }

        var high = Peek(pos) >> (64 - (count - 32));
        pos += count - 32;
        var low = Peek(pos) >> 32;
        pos += 32;
        return (high << 32) | low;
    }

    private ulong ReadUvarint(ref long pos)
    {
        ulong result = 0;
        for (var shift = 0; shift < 70; shift += 7)
        {
            var b = ReadBits(ref pos, 8);
            if (shift == 63 && b > 1)
            {
                ThrowCorrupt();
            }

            result |= (b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        ThrowCorrupt();
        return 0;
    }

    /// <summary>The 64 bits starting at bit <paramref name="pos"/>; bits past the array read as zero.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private ulong Peek(long pos)
    {
        var index = (int)(pos >> 3);
        var data = _data;
        ulong word;
        if (index <= data.Length - 8)
        {
            // index + 8 <= length was just checked, so the 8-byte load stays in the array.
            word = BinaryPrimitives.ReverseEndianness(
                Unsafe.ReadUnaligned<ulong>(ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(data), index)));
        }
        else
        {
            word = PeekTail(data, index);
        }

        return word << (int)(pos & 7);
    }

    [MethodImpl(MethodImplOptions.NoInlining)]
    private static ulong PeekTail(byte[] data, int index)
    {
        ulong word = 0;
        for (var i = 0; i < 8; i++)
        {
            word <<= 8;
            if (index + i < data.Length)
            {
                word |= data[index + i];
            }
        }

        return word;
    }

    private static void ThrowTruncated() =>
        throw new InvalidDataException("XOR chunk ends before its sample count");

    private static void ThrowCorrupt() =>
        throw new InvalidDataException("XOR chunk is corrupt");
}
