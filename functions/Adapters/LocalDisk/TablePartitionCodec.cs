using System.Buffers.Binary;
using System.IO.Compression;
using System.Text;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>An entity as the table store keeps it: immutable once stored (byte arrays are copied in and out).</summary>
internal sealed record StoredEntity(string RowKey, string ETag, DateTimeOffset Timestamp, KeyValuePair<string, object>[] Properties);

/// <summary>
/// The binary file of one table partition: its entities in RowKey order, each property tagged
/// with its EDM type so it comes back as the same CLR type (doubles as raw IEEE bits, so NaN,
/// infinities and -0.0 survive).
/// </summary>
/// <remarks>
/// Version 2 (written): "SMT2", the body's length (int32 LE), then the body compressed with
/// Brotli at quality 1 (fast; files are rewritten whole on every write). The body: partition
/// key, entity count, then per entity its RowKey as the length shared with the previous RowKey
/// plus the rest, its version (ETag and Timestamp, shared by the entities of one write) as an
/// index into the versions seen so far in the file, and its properties, each name as an index
/// into the names seen so far. A new version or name follows its index when that is the next
/// one: the ETag as 16 raw bytes when it has the store's own <c>W/"32 hex digits"</c> form
/// (else the string), the Timestamp as the zigzag difference to the previous new one. Counts
/// and lengths are 7-bit varints.
/// Version 3 ("SMT3"): version 2 with a base id (int64 LE) after the magic.
/// Version 1 ("SMT1", read only): the same fields uncompressed, written plainly.
/// </remarks>
internal static class TablePartitionCodec
{
    private const int Version = 1;
    private const int BrotliQuality = 1;
    private const int BrotliWindow = 22;
    private const int MaxBodyBytes = 1 << 30;
    private const byte EtagString = 0;
    private const byte EtagGuid = 1;

    private static ReadOnlySpan<byte> Magic => "SMT1"u8;

    private static ReadOnlySpan<byte> MagicV2 => "SMT2"u8;

    private static ReadOnlySpan<byte> MagicV3 => "SMT3"u8;

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

    /// <summary>A partition file without a base id: version 2 ("SMT2").</summary>
    public static byte[] Encode(string partitionKey, IReadOnlyList<StoredEntity> entities) => Encode(partitionKey, entities, baseId: 0);

    /// <summary>
    /// A partition file; with a non-zero <paramref name="baseId"/> version 3 ("SMT3"), which is
    /// version 2 with the id (int64 LE) before the body's length. The id ties a partition's
    /// journal to the base it extends (see <see cref="LocalDiskTableStore"/>).
    /// </summary>
    public static byte[] Encode(string partitionKey, IReadOnlyList<StoredEntity> entities, long baseId)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write(partitionKey);
            WriteEntities(writer, entities);
        }

        var raw = body.GetBuffer().AsSpan(0, checked((int)body.Length));
        var header = baseId == 0 ? 4 : 12;
        var compressed = Compress(raw, header);
        (baseId == 0 ? MagicV2 : MagicV3).CopyTo(compressed);
        if (baseId != 0)
        {
            BinaryPrimitives.WriteInt64LittleEndian(compressed.AsSpan(4), baseId);
        }

        return compressed;
    }

    /// <summary>
    /// One change of a partition for its journal: the row keys deleted and the entities as they
    /// now are, in the body format of the file (without partition key), compressed the same way.
    /// </summary>
    public static byte[] EncodeChange(IReadOnlyList<string> deleted, IReadOnlyList<StoredEntity> upserted)
    {
        using var body = new MemoryStream();
        using (var writer = new BinaryWriter(body, Encoding.UTF8, leaveOpen: true))
        {
            writer.Write7BitEncodedInt(deleted.Count);
            foreach (var rowKey in deleted)
            {
                writer.Write(rowKey);
            }

            WriteEntities(writer, upserted);
        }

        return Compress(body.GetBuffer().AsSpan(0, checked((int)body.Length)), 0);
    }

    /// <exception cref="InvalidDataException">The bytes are not a change.</exception>
    public static (string[] Deleted, StoredEntity[] Upserted) DecodeChange(ReadOnlySpan<byte> data)
    {
        var raw = Decompress(data);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(raw, writable: false), Encoding.UTF8);
            var deleted = new string[ReadCount(reader)];
            for (var i = 0; i < deleted.Length; i++)
            {
                deleted[i] = reader.ReadString();
            }

            var upserted = ReadEntities(reader);
            if (reader.BaseStream.Position != raw.Length)
            {
                throw new InvalidDataException("Corrupt table partition change (trailing bytes).");
            }

            return (deleted, upserted);
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or OverflowException or FormatException)
        {
            throw new InvalidDataException("Truncated or corrupt table partition change.", ex);
        }
    }

    /// <summary><paramref name="offset"/> free bytes, the raw length (int32 LE), then the raw bytes compressed with Brotli.</summary>
    private static byte[] Compress(ReadOnlySpan<byte> raw, int offset)
    {
        var output = new byte[offset + 4 + BrotliEncoder.GetMaxCompressedLength(raw.Length)];
        BinaryPrimitives.WriteInt32LittleEndian(output.AsSpan(offset), raw.Length);
        if (!BrotliEncoder.TryCompress(raw, output.AsSpan(offset + 4), out var written, BrotliQuality, BrotliWindow))
        {
            throw new InvalidOperationException("Brotli could not compress a table partition.");
        }

        return output.AsSpan(0, offset + 4 + written).ToArray();
    }

    private static byte[] Decompress(ReadOnlySpan<byte> data)
    {
        if (data.Length < 4)
        {
            throw new InvalidDataException("Truncated table partition file.");
        }

        var length = BinaryPrimitives.ReadInt32LittleEndian(data);
        if (length is < 0 or > MaxBodyBytes)
        {
            throw new InvalidDataException("Corrupt table partition file (body length).");
        }

        var raw = new byte[length];
        if (!BrotliDecoder.TryDecompress(data[4..], raw, out var decoded) || decoded != length)
        {
            throw new InvalidDataException("Corrupt table partition file (compressed body).");
        }

        return raw;
    }

    private static void WriteEntities(BinaryWriter writer, IReadOnlyList<StoredEntity> entities)
    {
        writer.Write7BitEncodedInt(entities.Count);
        var previousKey = string.Empty;
        var previousTicks = 0L;
        var names = new Dictionary<string, int>(StringComparer.Ordinal);
        var versions = new Dictionary<(string ETag, long UtcTicks), int>();
        foreach (var entity in entities)
        {
            var shared = SharedPrefixLength(previousKey, entity.RowKey);
            writer.Write7BitEncodedInt(shared);
            writer.Write(entity.RowKey[shared..]);
            previousKey = entity.RowKey;
            var version = (entity.ETag, entity.Timestamp.UtcTicks);
            if (versions.TryGetValue(version, out var versionIndex))
            {
                writer.Write7BitEncodedInt(versionIndex);
            }
            else
            {
                writer.Write7BitEncodedInt(versions.Count);
                WriteETag(writer, entity.ETag);
                writer.Write7BitEncodedInt64(ZigZag(unchecked(version.UtcTicks - previousTicks)));
                previousTicks = version.UtcTicks;
                versions.Add(version, versions.Count);
            }
            writer.Write7BitEncodedInt(entity.Properties.Length);
            foreach (var (name, value) in entity.Properties)
            {
                if (names.TryGetValue(name, out var index))
                {
                    writer.Write7BitEncodedInt(index);
                }
                else
                {
                    writer.Write7BitEncodedInt(names.Count);
                    writer.Write(name);
                    names.Add(name, names.Count);
                }

                WriteValue(writer, value, compact: true);
            }
        }
    }

    /// <summary>The version 1 file (uncompressed): still read, written only by tests.</summary>
    public static byte[] EncodeVersion1(string partitionKey, IReadOnlyList<StoredEntity> entities)
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
                    WriteValue(writer, value, compact: false);
                }
            }
        }

        return buffer.ToArray();
    }

    /// <exception cref="InvalidDataException">The file is not a partition file of this version.</exception>
    public static StoredEntity[] Decode(byte[] data, out string partitionKey) => Decode(data, out partitionKey, out _);

    /// <summary>Decodes any version; <paramref name="baseId"/> is 0 unless it is version 3.</summary>
    /// <exception cref="InvalidDataException">The file is not a partition file.</exception>
    public static StoredEntity[] Decode(byte[] data, out string partitionKey, out long baseId)
    {
        ArgumentNullException.ThrowIfNull(data);
        baseId = 0;
        if (data.AsSpan().StartsWith(MagicV3))
        {
            if (data.Length < 12)
            {
                throw new InvalidDataException("Truncated table partition file.");
            }

            baseId = BinaryPrimitives.ReadInt64LittleEndian(data.AsSpan(4));
            return DecodeCompressed(data.AsSpan(12), out partitionKey);
        }

        return data.AsSpan().StartsWith(MagicV2) ? DecodeCompressed(data.AsSpan(4), out partitionKey) : DecodeVersion1(data, out partitionKey);
    }

    private static StoredEntity[] DecodeCompressed(ReadOnlySpan<byte> data, out string partitionKey)
    {
        var raw = Decompress(data);
        try
        {
            using var reader = new BinaryReader(new MemoryStream(raw, writable: false), Encoding.UTF8);
            partitionKey = reader.ReadString();
            var entities = ReadEntities(reader);
            if (reader.BaseStream.Position != raw.Length)
            {
                throw new InvalidDataException("Corrupt table partition file (trailing bytes).");
            }

            return entities;
        }
        catch (Exception ex) when (ex is EndOfStreamException or ArgumentException or OverflowException or FormatException)
        {
            throw new InvalidDataException("Truncated or corrupt table partition file.", ex);
        }
    }

    private static StoredEntity[] ReadEntities(BinaryReader reader)
    {
        var entities = new StoredEntity[ReadCount(reader)];
        var previousKey = string.Empty;
        var previousTicks = 0L;
        var names = new List<string>();
        var versions = new List<(string ETag, DateTimeOffset Timestamp)>();
        for (var i = 0; i < entities.Length; i++)
        {
            var shared = ReadCount(reader);
            if (shared > previousKey.Length)
            {
                throw new InvalidDataException("Corrupt table partition file (row key prefix).");
            }

            var rowKey = string.Concat(previousKey.AsSpan(0, shared), reader.ReadString());
            previousKey = rowKey;
            var versionIndex = ReadCount(reader);
            if (versionIndex == versions.Count)
            {
                var newETag = ReadETag(reader);
                previousTicks = unchecked(previousTicks + UnZigZag(reader.Read7BitEncodedInt64()));
                versions.Add((newETag, new DateTimeOffset(previousTicks, TimeSpan.Zero)));
            }
            else if (versionIndex > versions.Count)
            {
                throw new InvalidDataException("Corrupt table partition file (version).");
            }

            var (etag, timestamp) = versions[versionIndex];
            var properties = new KeyValuePair<string, object>[ReadCount(reader)];
            for (var p = 0; p < properties.Length; p++)
            {
                var index = ReadCount(reader);
                if (index == names.Count)
                {
                    names.Add(reader.ReadString());
                }
                else if (index > names.Count)
                {
                    throw new InvalidDataException("Corrupt table partition file (property name).");
                }

                properties[p] = new(names[index], ReadValue(reader, compact: true));
            }

            entities[i] = new StoredEntity(rowKey, etag, timestamp, properties);
        }

        return entities;
    }

    private static StoredEntity[] DecodeVersion1(byte[] data, out string partitionKey)
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
                    properties[p] = new(name, ReadValue(reader, compact: false));
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

    private static int SharedPrefixLength(string previous, string key)
    {
        var shared = previous.AsSpan().CommonPrefixLength(key);
        if (shared > 0 && char.IsHighSurrogate(key[shared - 1]))
        {
            shared--; // never split a surrogate pair: the rest is written as UTF-8
        }

        return shared;
    }

    private static void WriteETag(BinaryWriter writer, string etag)
    {
        // The store's own ETags: W/"<32 lowercase hex digits>" (see LocalDiskTableStore.NewETag).
        Span<byte> bytes = stackalloc byte[16];
        if (etag.Length == 35 && etag.StartsWith("W/\"", StringComparison.Ordinal) && etag[^1] == '"' &&
            IsLowerHex(etag.AsSpan(3, 32)) && Convert.FromHexString(etag.AsSpan(3, 32), bytes, out _, out var written) == System.Buffers.OperationStatus.Done &&
            written == 16)
        {
            writer.Write(EtagGuid);
            writer.Write(bytes);
        }
        else
        {
            writer.Write(EtagString);
            writer.Write(etag);
        }
    }

    private static string ReadETag(BinaryReader reader) => reader.ReadByte() switch
    {
        EtagGuid => string.Concat("W/\"", Convert.ToHexStringLower(ReadExactly(reader, 16)), "\""),
        EtagString => reader.ReadString(),
        var kind => throw new InvalidDataException($"Unknown ETag kind {kind} in a table partition file."),
    };

    private static bool IsLowerHex(ReadOnlySpan<char> text)
    {
        foreach (var c in text)
        {
            if (!char.IsAsciiHexDigitLower(c) && !char.IsAsciiDigit(c))
            {
                return false;
            }
        }

        return true;
    }

    private static int ReadCount(BinaryReader reader)
    {
        var count = reader.Read7BitEncodedInt();
        return count >= 0 ? count : throw new InvalidDataException("Corrupt table partition file (negative count).");
    }

    private static long ZigZag(long value) => (value << 1) ^ (value >> 63);

    private static long UnZigZag(long value) => (long)((ulong)value >> 1) ^ -(value & 1);

    private static void WriteValue(BinaryWriter writer, object value, bool compact)
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
                if (compact)
                {
                    writer.Write7BitEncodedInt(bytes.Length);
                }
                else
                {
                    writer.Write(bytes.Length);
                }

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

    private static object ReadValue(BinaryReader reader, bool compact) => (Tag)reader.ReadByte() switch
    {
        Tag.String => reader.ReadString(),
        Tag.Boolean => reader.ReadBoolean(),
        Tag.Int32 => reader.ReadInt32(),
        Tag.Int64 => reader.ReadInt64(),
        Tag.Double => BitConverter.Int64BitsToDouble(reader.ReadInt64()),
        Tag.Binary => ReadExactly(reader, compact ? ReadCount(reader) : reader.ReadInt32()),
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
