using System.Buffers.Binary;
using System.Text;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>A growable byte buffer with the encodings of <see cref="BlockFormat"/>; reused entry after entry.</summary>
internal sealed class BlockBuffer
{
    private byte[] _buffer;
    private int _length;

    public BlockBuffer(int capacity = 256)
    {
        _buffer = new byte[Math.Max(16, capacity)];
    }

    public int Length => _length;

    public ReadOnlySpan<byte> Span => _buffer.AsSpan(0, _length);

    public void Clear() => _length = 0;

    public void WriteByte(byte value)
    {
        Ensure(1);
        _buffer[_length++] = value;
    }

    public void WriteBytes(ReadOnlySpan<byte> bytes)
    {
        Ensure(bytes.Length);
        bytes.CopyTo(_buffer.AsSpan(_length));
        _length += bytes.Length;
    }

    public void WriteUInt32(uint value)
    {
        Ensure(4);
        BinaryPrimitives.WriteUInt32BigEndian(_buffer.AsSpan(_length), value);
        _length += 4;
    }

    public void WriteUInt64(ulong value)
    {
        Ensure(8);
        BinaryPrimitives.WriteUInt64BigEndian(_buffer.AsSpan(_length), value);
        _length += 8;
    }

    public void WriteUvarint(ulong value)
    {
        Ensure(10);
        while (value >= 0x80)
        {
            _buffer[_length++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_length++] = (byte)value;
    }

    public void WriteVarint(long value) => WriteUvarint(unchecked((ulong)((value << 1) ^ (value >> 63))));

    public void WriteString(string value)
    {
        var count = Encoding.UTF8.GetByteCount(value);
        WriteUvarint((ulong)count);
        Ensure(count);
        _length += Encoding.UTF8.GetBytes(value, _buffer.AsSpan(_length));
    }

    /// <summary>Bytes a uvarint of <paramref name="value"/> takes.</summary>
    public static int UvarintSize(ulong value)
    {
        var n = 1;
        while (value >= 0x80)
        {
            value >>= 7;
            n++;
        }

        return n;
    }

    private void Ensure(int extra)
    {
        if (_buffer.Length - _length < extra)
        {
            var next = new byte[Math.Max(_buffer.Length * 2, _length + extra)];
            _buffer.AsSpan(0, _length).CopyTo(next);
            _buffer = next;
        }
    }
}
