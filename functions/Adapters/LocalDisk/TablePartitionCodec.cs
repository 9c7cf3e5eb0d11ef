using System.Text;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>An entity as the table store keeps it: immutable once stored (byte arrays are copied in and out).</summary>
internal sealed record StoredEntity(string RowKey, string ETag, DateTimeOffset Timestamp, KeyValuePair<string, object>[] Properties);

/// <summary>
/// The binary file of one table partition: its entities in RowKey order, each property tagged
/// with its EDM type so it comes back as the same CLR type (doubles as raw IEEE bits, so NaN,
/// infinities and -0.0 survive).
/// </summary>
internal static class TablePartitionCodec
{
    private const int Version = 1;

    private static ReadOnlySpan<byte> Magic => "SMT1"u8;

    private enum Tag : byte
    {
        String = 1,
        Boolean = 2,
        Int32 = 3,
        Int64 = 4,
        Double = 5,
        Binary = 6,
        DateTime = 7,
        Guid = 8,
    }

    public static byte[] Encode(string partitionKey, IReadOnlyList<StoredEntity> entities)
    {
        using var buffer = new MemoryStream();
        using (var writer = new BinaryWriter(buffer, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(Magic);
            writer.Write(Version);
            writer.Write(partitionKey);
            writer.Write(entities.Count);
            foreach (var entity in entities)
            {
                writer.Write(entity.RowKey);
                writer.Write(entity.ETag);
                writer.Write(entity.Timestamp.UtcTicks);
                writer.Write(entity.Properties.Length);
                foreach (var (name, value) in entity.Properties)
                {
                    writer.Write(name);
                    WriteValue(writer, value);
                }
            }
        }

        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The file is not a partition file of this version.</exception>
    public static StoredEntity[] Decode(byte[] data, out string partitionKey)
    {
        try
        {
            using var reader = new BinaryReader(new MemoryStream(data, writable: false), Encoding.UTF8);
            if (!reader.ReadBytes(4).AsSpan().SequenceEqual(Magic) || reader.ReadInt32() != Version)
            {
                throw new InvalidDataException("Not a table partition file.");
            }

            partitionKey = reader.ReadString();
            var entities = new StoredEntity[reader.ReadInt32()];
            for (var i = 0; i < entities.Length; i++)
            {
                var rowKey = reader.ReadString();
                var etag = reader.ReadString();
                var timestamp = new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero);
                var properties = new KeyValuePair<string, object>[reader.ReadInt32()];
                for (var p = 0; p < properties.Length; p++)
                {
                    var name = reader.ReadString();
                    properties[p] = new(name, ReadValue(reader));
                }

                entities[i] = new StoredEntity(rowKey, etag, timestamp, properties);
            }

            return entities;
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or OverflowException)
        {
            throw new InvalidDataException("Truncated or corrupt table partition file.", ex);
        }
    }

    private static void WriteValue(BinaryWriter writer, object value)
    {
        switch (value)
        {
            case string s:
                writer.Write((byte)Tag.String);
                writer.Write(s);
                break;
            case bool b:
                writer.Write((byte)Tag.Boolean);
                writer.Write(b);
                break;
            case int i:
                writer.Write((byte)Tag.Int32);
                writer.Write(i);
                break;
            case long l:
                writer.Write((byte)Tag.Int64);
                writer.Write(l);
                break;
            case double d:
                writer.Write((byte)Tag.Double);
                writer.Write(BitConverter.DoubleToInt64Bits(d));
                break;
            case byte[] bytes:
                writer.Write((byte)Tag.Binary);
                writer.Write(bytes.Length);
                writer.Write(bytes);
                break;
            case DateTimeOffset t:
                writer.Write((byte)Tag.DateTime);
                writer.Write(t.UtcTicks);
                break;
            case Guid g:
                writer.Write((byte)Tag.Guid);
                writer.Write(g.ToByteArray());
                break;
            default:
                throw new ArgumentException($"Unsupported table property type {value.GetType()}.", nameof(value));
        }
    }

    private static object ReadValue(BinaryReader reader) => (Tag)reader.ReadByte() switch
    {
        Tag.String => reader.ReadString(),
        Tag.Boolean => reader.ReadBoolean(),
        Tag.Int32 => reader.ReadInt32(),
        Tag.Int64 => reader.ReadInt64(),
        Tag.Double => BitConverter.Int64BitsToDouble(reader.ReadInt64()),
        Tag.Binary => ReadExactly(reader, reader.ReadInt32()),
        Tag.DateTime => new DateTimeOffset(reader.ReadInt64(), TimeSpan.Zero),
        Tag.Guid => new Guid(ReadExactly(reader, 16)),
        var tag => throw new InvalidDataException($"Unknown table property tag {(byte)tag}."),
    };

    private static byte[] ReadExactly(BinaryReader reader, int count)
    {
        var bytes = reader.ReadBytes(count);
        return bytes.Length == count ? bytes : throw new EndOfStreamException();
    }
}
