using System.Buffers.Binary;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Reads protobuf wire format from a span with every length and varint checked: a malformed
/// input throws <see cref="RemoteWriteFormatException"/> naming the absolute byte offset,
/// never another exception.
/// </summary>
internal ref struct ProtoReader
{
    private readonly ReadOnlySpan<byte> _data;
    private readonly int _baseOffset;
    private int _position;

    /// <param name="data">The message bytes.</param>
    /// <param name="baseOffset">Where <paramref name="data"/> starts in the outermost message, for error offsets.</param>
    public ProtoReader(ReadOnlySpan<byte> data, int baseOffset = 0)
    {
        _data = data;
        _baseOffset = baseOffset;
    }

    public readonly bool End => _position >= _data.Length;

    /// <summary>The absolute offset of the next byte.</summary>
    public readonly int Offset => _baseOffset + _position;

    /// <summary>Reads a field tag; field numbers must be 1 to 2^29-1 and the wire type known.</summary>
    public (int Field, ProtoWireType WireType) ReadTag()
    {
        var at = Offset;
        var tag = ReadVarint();
        var wireType = (int)(tag & 7);
        var field = tag >> 3;
        if (field is 0 or > 0x1FFFFFFF)
        {
            throw new RemoteWriteFormatException($"invalid field number {field}", at);
        }

        if (wireType > 5)
        {
            throw new RemoteWriteFormatException($"invalid wire type {wireType} for field {field}", at);
        }

        return ((int)field, (ProtoWireType)wireType);
    }

    public ulong ReadVarint()
    {
        var start = _position;
        ulong result = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (_position >= _data.Length)
            {
                throw new RemoteWriteFormatException("truncated varint", _baseOffset + start);
            }

            var b = _data[_position++];
            if (shift == 63 && b > 1)
            {
                throw new RemoteWriteFormatException("varint overflows 64 bits", _baseOffset + start);
            }

            result |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return result;
            }
        }

        throw new RemoteWriteFormatException("varint longer than 10 bytes", _baseOffset + start);
    }

    public ulong ReadFixed64()
    {
        if (_data.Length - _position < 8)
        {
            throw new RemoteWriteFormatException("truncated fixed64 value", Offset);
        }

        var value = BinaryPrimitives.ReadUInt64LittleEndian(_data.Slice(_position, 8));
        _position += 8;
        return value;
    }

    /// <summary>Reads a length prefix and returns the bytes it covers; <paramref name="start"/> is their absolute offset.</summary>
    public ReadOnlySpan<byte> ReadLengthDelimited(out int start)
    {
        var at = Offset;
        var length = ReadVarint();
        if (length > (ulong)(_data.Length - _position))
        {
            throw new RemoteWriteFormatException(
                $"length {length} overflows the {_data.Length - _position} bytes left in the enclosing message", at);
        }

        start = Offset;
        var slice = _data.Slice(_position, (int)length);
        _position += (int)length;
        return slice;
    }

    /// <summary>Skips the value of an unknown field (groups are refused; nothing in remote write uses them).</summary>
    public void Skip(int field, ProtoWireType wireType)
    {
        switch (wireType)
        {
            case ProtoWireType.Varint:
                ReadVarint();
                break;
            case ProtoWireType.Fixed64:
                ReadFixed64();
                break;
            case ProtoWireType.LengthDelimited:
                ReadLengthDelimited(out _);
                break;
            case ProtoWireType.Fixed32:
                if (_data.Length - _position < 4)
                {
                    throw new RemoteWriteFormatException("truncated fixed32 value", Offset);
                }

                _position += 4;
                break;
            default:
                throw new RemoteWriteFormatException($"unsupported wire type {(int)wireType} (group) for field {field}", Offset);
        }
    }

    /// <summary>Throws unless a known field has the wire type the schema gives it.</summary>
    public static void Expect(ProtoWireType actual, ProtoWireType expected, string fieldName, int tagOffset)
    {
        if (actual != expected)
        {
            throw new RemoteWriteFormatException(
                $"wrong wire type {(int)actual} for field {fieldName} (expected {(int)expected})", tagOffset);
        }
    }
}
