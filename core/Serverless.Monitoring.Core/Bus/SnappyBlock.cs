using System.Buffers.Binary;
using IronSnappy;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// Snappy block format (not the framed stream format), as remote write uses it, through
/// IronSnappy. Before decoding, the block's element structure is walked once without
/// allocating, so a corrupt or hostile block is refused with a clear
/// <see cref="RemoteWriteFormatException"/> (and a huge claimed length before any buffer is
/// allocated) instead of whatever the decoder would throw.
/// </summary>
internal static class SnappyBlock
{
    /// <summary>The worst-case size of a compressed block of <paramref name="length"/> bytes (snappy's MaxEncodedLen).</summary>
    public static int MaxEncodedLength(int length) => 32 + length + (length / 6);

    public static byte[] Encode(ReadOnlySpan<byte> data) => Snappy.Encode(data);

    /// <summary>Validates and decompresses a block whose decoded length is at most <paramref name="maxDecodedBytes"/>.</summary>
    public static byte[] Decode(ReadOnlySpan<byte> block, int maxDecodedBytes)
    {
        var length = Validate(block, maxDecodedBytes);
        if (length == 0)
        {
            return [];
        }

        var decoded = Snappy.Decode(block);
        if (decoded.Length != length)
        {
            throw new RemoteWriteFormatException($"invalid snappy block: decoded {decoded.Length} bytes, the header says {length}");
        }

        return decoded;
    }

    /// <summary>Walks the block's elements and returns its decoded length; throws on any inconsistency.</summary>
    public static int Validate(ReadOnlySpan<byte> block, int maxDecodedBytes)
    {
        var position = 0;
        ulong header = 0;
        for (var shift = 0; ; shift += 7)
        {
            if (position >= block.Length)
            {
                throw Corrupt(block.Length == 0 ? "empty body" : "truncated length header");
            }

            if (shift > 28)
            {
                throw Corrupt("length header longer than 5 bytes");
            }

            var b = block[position++];
            header |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                break;
            }
        }

        if (header > (ulong)maxDecodedBytes)
        {
            throw new RemoteWriteFormatException(
                $"snappy block decodes to {header} bytes, more than the limit of {maxDecodedBytes}");
        }

        var total = (long)header;
        long produced = 0;
        while (position < block.Length)
        {
            var tag = block[position++];
            long length;
            long offset = 0;
            switch (tag & 3)
            {
                case 0:
                    length = tag >> 2;
                    if (length >= 60)
                    {
                        var extra = (int)length - 59;
                        if (block.Length - position < extra)
                        {
                            throw Corrupt("truncated literal length");
                        }

                        length = 0;
                        for (var i = 0; i < extra; i++)
                        {
                            length |= (long)block[position + i] << (8 * i);
                        }

                        position += extra;
                    }

                    length++;
                    if (block.Length - position < length)
                    {
                        throw Corrupt($"literal of {length} bytes overruns the block");
                    }

                    position += (int)length;
                    break;
                case 1:
                    if (position >= block.Length)
                    {
                        throw Corrupt("truncated copy");
                    }

                    length = 4 + ((tag >> 2) & 7);
                    offset = ((tag >> 5) << 8) | block[position++];
                    break;
                case 2:
                    if (block.Length - position < 2)
                    {
                        throw Corrupt("truncated copy");
                    }

                    length = 1 + (tag >> 2);
                    offset = BinaryPrimitives.ReadUInt16LittleEndian(block.Slice(position, 2));
                    position += 2;
                    break;
                default:
                    if (block.Length - position < 4)
                    {
                        throw Corrupt("truncated copy");
                    }

                    length = 1 + (tag >> 2);
                    offset = BinaryPrimitives.ReadUInt32LittleEndian(block.Slice(position, 4));
                    position += 4;
                    break;
            }

            if ((tag & 3) != 0 && (offset == 0 || offset > produced))
            {
                throw Corrupt($"copy offset {offset} outside the {produced} bytes decoded so far");
            }

            produced += length;
            if (produced > total)
            {
                throw Corrupt($"decodes to more than the {total} bytes the header says");
            }
        }

        if (produced != total)
        {
            throw Corrupt($"decodes to {produced} bytes, the header says {total}");
        }

        return (int)total;
    }

    private static RemoteWriteFormatException Corrupt(string reason) => new($"invalid snappy block: {reason}");
}
