using System.Buffers.Binary;
using System.Text;
using Microsoft.Win32.SafeHandles;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// The header in front of each blob file's content: the ETag, the write time and the real name
/// (needed for blobs stored under a hashed file name). Keeping them inside the file makes the
/// rename that publishes the content publish them too, atomically.
/// </summary>
/// <remarks>Layout: "SMB1", int32 header size, 16-byte ETag, int64 UTC ticks, int32 name size, UTF-8 name.</remarks>
internal sealed record BlobFileHeader(string Name, string ETag, DateTimeOffset LastModified, int Size)
{
    private const int FixedSize = 36;

    // 1,024 UTF-16 chars are at most 3,072 UTF-8 bytes.
    private const int MaxSize = FixedSize + 3072;

    private static ReadOnlySpan<byte> Magic => "SMB1"u8;

    public static string NewETag() => Guid.NewGuid().ToString("N");

    public static byte[] Encode(string name, string etag, DateTimeOffset lastModified)
    {
        var nameBytes = Encoding.UTF8.GetBytes(name);
        var header = new byte[FixedSize + nameBytes.Length];
        Magic.CopyTo(header);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(4), header.Length);
        Guid.ParseExact(etag, "N").TryWriteBytes(header.AsSpan(8, 16));
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), lastModified.UtcTicks);
        BinaryPrimitives.WriteInt32LittleEndian(header.AsSpan(32), nameBytes.Length);
        nameBytes.CopyTo(header.AsSpan(FixedSize));
        return header;
    }

    /// <summary>Reads the header of an open blob file; null when the file is not a blob file.</summary>
    public static async Task<BlobFileHeader?> ReadAsync(SafeFileHandle file, long fileLength, CancellationToken cancellationToken)
    {
        var buffer = new byte[(int)Math.Min(fileLength, MaxSize)];
        var read = 0;
        while (read < buffer.Length)
        {
            var n = await RandomAccess.ReadAsync(file, buffer.AsMemory(read), read, cancellationToken);
            if (n == 0)
            {
                break;
            }

            read += n;
        }

        return Parse(buffer.AsSpan(0, read));
    }

    private static BlobFileHeader? Parse(ReadOnlySpan<byte> data)
    {
        if (data.Length < FixedSize || !data[..4].SequenceEqual(Magic))
        {
            return null;
        }

        var size = BinaryPrimitives.ReadInt32LittleEndian(data[4..]);
        var nameLength = BinaryPrimitives.ReadInt32LittleEndian(data[32..]);
        if (nameLength < 0 || size != FixedSize + nameLength || size > data.Length)
        {
            return null;
        }

        var etag = new Guid(data.Slice(8, 16)).ToString("N");
        var ticks = BinaryPrimitives.ReadInt64LittleEndian(data[24..]);
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks)
        {
            return null;
        }

        var name = Encoding.UTF8.GetString(data.Slice(FixedSize, nameLength));
        return new BlobFileHeader(name, etag, new DateTimeOffset(ticks, TimeSpan.Zero), size);
    }
}
