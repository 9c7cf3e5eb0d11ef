using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;

namespace Serverless.Monitoring.Core.Storage.Index;

/// <summary>
/// A label set as bytes for a table property: count, then length-prefixed UTF-8 names and values.
/// <see cref="Write"/> and <see cref="Read"/> put several in one buffer (the scrape state's series).
/// </summary>
internal static class LabelSetCodec
{
    /// <summary>Azure's limit for a binary property.</summary>
    public const int MaxBytes = 64 * 1024;

    public static byte[] Encode(LabelSet labels)
    {
        var buffer = new BlockBuffer(64 + (labels.Count * 32));
        Write(buffer, labels);
        return buffer.Span.ToArray();
    }

    /// <summary>Appends <paramref name="labels"/> as <see cref="Encode"/> writes them.</summary>
    public static void Write(BlockBuffer buffer, LabelSet labels)
    {
        buffer.WriteUvarint((ulong)labels.Count);
        foreach (var label in labels)
        {
            buffer.WriteString(label.Name);
            buffer.WriteString(label.Value);
        }
    }

    /// <summary>Bytes <see cref="Encode"/> would produce, without producing them.</summary>
    public static int EncodedLength(LabelSet labels)
    {
        var n = BlockBuffer.UvarintSize((ulong)labels.Count);
        foreach (var label in labels)
        {
            var a = Encoding.UTF8.GetByteCount(label.Name);
            var b = Encoding.UTF8.GetByteCount(label.Value);
            n += BlockBuffer.UvarintSize((ulong)a) + a + BlockBuffer.UvarintSize((ulong)b) + b;
        }

        return n;
    }

    public static LabelSet Decode(ReadOnlySpan<byte> data)
    {
        var pos = 0;
        return Read(data, ref pos);
    }

    /// <summary>Reads one label set at <paramref name="pos"/> and moves past it.</summary>
    public static LabelSet Read(ReadOnlySpan<byte> data, ref int pos)
    {
        var count = (int)ReadUvarint(data, ref pos);
        var labels = new Label[count];
        for (var i = 0; i < count; i++)
        {
            var name = ReadString(data, ref pos);
            var value = ReadString(data, ref pos);
            labels[i] = new Label(name, value);
        }

        return LabelSet.Create(labels);
    }

    private static string ReadString(ReadOnlySpan<byte> data, ref int pos)
    {
        var length = (int)ReadUvarint(data, ref pos);
        if (length < 0 || pos + length > data.Length)
        {
            throw new InvalidDataException("label index: a label set property is truncated");
        }

        var s = Encoding.UTF8.GetString(data.Slice(pos, length));
        pos += length;
        return s;
    }

    public static ulong ReadUvarint(ReadOnlySpan<byte> data, ref int pos)
    {
        ulong value = 0;
        for (var shift = 0; shift < 64; shift += 7)
        {
            if (pos >= data.Length)
            {
                throw new InvalidDataException("label index: a label set property is truncated");
            }

            var b = data[pos++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }

        throw new InvalidDataException("label index: a varint in a label set property is too long");
    }
}
