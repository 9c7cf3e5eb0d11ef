using System.Buffers.Binary;
using System.Diagnostics.CodeAnalysis;
using System.Text;
using System.Text.Unicode;
using Serverless.Monitoring.Core.Hashing;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// Reads the integers and strings of a block section from memory. Every read is bounds- and
/// overflow-checked and fails with <see cref="CorruptBlockException"/> naming the block and the
/// section, so no input, however damaged, makes the reader throw anything else, allocate more
/// than the input justifies, or loop past its end.
/// </summary>
internal ref struct BlockDecoder
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly string _block;
    private readonly BlockSection _section;
    private int _pos;

    public BlockDecoder(ReadOnlySpan<byte> data, string block, BlockSection section)
    {
        _data = data;
        _block = block;
        _section = section;
        _pos = 0;
    }

    public readonly int Position => _pos;

    public readonly int Remaining => _data.Length - _pos;

    public readonly bool IsEnd => _pos == _data.Length;

    public byte ReadByte()
    {
        if (_pos >= _data.Length)
        {
            Fail("ends early");
        }

        return _data[_pos++];
    }

    public uint ReadUInt32()
    {
        var v = BinaryPrimitives.ReadUInt32BigEndian(ReadBytes(4));
        return v;
    }

    public ulong ReadUInt64() => BinaryPrimitives.ReadUInt64BigEndian(ReadBytes(8));

    public ReadOnlySpan<byte> ReadBytes(int count)
    {
        if (count < 0 || count > Remaining)
        {
            Fail("ends early");
        }

        var span = _data.Slice(_pos, count);
        _pos += count;
        return span;
    }

    public ulong ReadUvarint()
    {
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            var b = ReadByte();
            if (shift == 63 && b > 1)
            {
                Fail("varint overflows 64 bits");
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        Fail("varint overflows 64 bits");
        return 0;
    }

    public long ReadVarint()
    {
        var zigzag = ReadUvarint();
        return (long)(zigzag >> 1) ^ -(long)(zigzag & 1);
    }

    /// <summary>A uvarint that must be at most <paramref name="max"/>.</summary>
    public int ReadInt(int max, string what)
    {
        var v = ReadUvarint();
        if (max < 0 || v > (ulong)max)
        {
            Fail($"{what} {v} is out of range (at most {max})");
        }

        return (int)v;
    }

    /// <summary>An item count, checked against the bytes left (each item takes at least <paramref name="minBytesEach"/>).</summary>
    public int ReadCount(int minBytesEach, string what) => ReadInt(Remaining / Math.Max(1, minBytesEach), what);

    /// <summary>A length-prefixed UTF-8 string.</summary>
    public string ReadString(string what)
    {
        var bytes = ReadBytes(ReadInt(Remaining, what + " length"));
        if (!Utf8.IsValid(bytes))
        {
            Fail($"{what} is not valid UTF-8");
        }

        return Encoding.UTF8.GetString(bytes);
    }

    /// <summary>Reads a 4-byte CRC32C and checks it against <paramref name="covered"/>.</summary>
    public void ExpectCrc(ReadOnlySpan<byte> covered, string what)
    {
        var stored = ReadUInt32();
        var actual = Crc32C.Compute(covered);
        if (stored != actual)
        {
            Fail($"{what} checksum mismatch (stored 0x{stored:x8}, computed 0x{actual:x8})");
        }
    }

    public readonly void ExpectEnd(string what)
    {
        if (!IsEnd)
        {
            Fail($"{Remaining} unexpected bytes after {what}");
        }
    }

    [DoesNotReturn]
    public readonly void Fail(string reason) => throw new CorruptBlockException(_block, _section, reason);
}
