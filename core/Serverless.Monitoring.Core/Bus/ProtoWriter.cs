using System.Buffers.Binary;
using System.Numerics;
using System.Text;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>Writes protobuf wire format into a span sized beforehand (see <see cref="VarintLength"/>).</summary>
internal ref struct ProtoWriter
{
    private readonly Span<byte> _buffer;
    private int _position;

    public ProtoWriter(Span<byte> buffer)
    {
        _buffer = buffer;
    }

    public readonly int Position => _position;

    public static int VarintLength(ulong value) => value == 0 ? 1 : ((64 - BitOperations.LeadingZeroCount(value)) + 6) / 7;

    /// <summary>Bytes of a length-delimited field: tag (one byte for fields below 16), length prefix, payload.</summary>
    public static int LengthDelimitedSize(int payloadLength) => 1 + VarintLength((ulong)payloadLength) + payloadLength;

    public void WriteByte(byte value) => _buffer[_position++] = value;

    public void WriteVarint(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer[_position++] = (byte)(value | 0x80);
            value >>= 7;
        }

        _buffer[_position++] = (byte)value;
    }

    public void WriteFixed64(ulong value)
    {
        BinaryPrimitives.WriteUInt64LittleEndian(_buffer.Slice(_position, 8), value);
        _position += 8;
    }

    /// <summary>Writes tag, UTF-8 length and UTF-8 bytes of <paramref name="value"/> (whose UTF-8 length the caller knows).</summary>
    public void WriteString(byte tag, string value, int utf8Length)
    {
        _buffer[_position++] = tag;
        WriteVarint((ulong)utf8Length);
        _position += Encoding.UTF8.GetBytes(value, _buffer.Slice(_position, utf8Length));
    }
}
