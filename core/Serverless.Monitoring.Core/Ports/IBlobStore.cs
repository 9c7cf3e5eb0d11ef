namespace Serverless.Monitoring.Core.Ports;

/// <summary>
/// A flat namespace of immutable-by-convention objects in one container (a Blob Storage
/// container, or a folder on local disk). Names may contain '/', quotes, spaces and any
/// Unicode; listings are in ordinal (UTF-8 byte) order of names.
/// </summary>
public interface IBlobStore
{
    /// <summary>The container this store writes to.</summary>
    string Container { get; }

    /// <summary>Creates the container when it does not exist yet.</summary>
    Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes the whole object from <paramref name="content"/> (read to its end). Readers see
    /// either the previous object or the complete new one, never a part.
    /// </summary>
    /// <exception cref="StorageConflictException">The condition is create-only and the blob exists.</exception>
    /// <exception cref="StoragePreconditionFailedException">The blob does not have the ETag the condition names.</exception>
    Task<BlobProperties> PutAsync(string name, Stream content, StorageCondition condition = default, CancellationToken cancellationToken = default);

    /// <summary>
    /// Reads the object, or only <paramref name="range"/> of it, clipped to the object: a range
    /// that starts at or past the end reads no bytes.
    /// </summary>
    /// <exception cref="StorageNotFoundException">No such blob.</exception>
    Task<BlobContent> GetAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default);

    /// <summary>The object's properties, or <c>null</c> when it does not exist.</summary>
    Task<BlobProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>One page of the objects whose names start with <paramref name="prefix"/>.</summary>
    /// <param name="continuationToken">The token of the previous page, or <c>null</c> for the first.</param>
    /// <param name="pageSize">At most this many items (1 to 5,000).</param>
    Task<BlobPage> ListAsync(string prefix, string? continuationToken = null, int pageSize = 5000, CancellationToken cancellationToken = default);

    /// <summary>Deletes the object. Returns false when it did not exist (and no ETag was required).</summary>
    /// <exception cref="StoragePreconditionFailedException">The blob does not have the ETag the condition names.</exception>
    Task<bool> DeleteAsync(string name, StorageCondition condition = default, CancellationToken cancellationToken = default);
}

/// <summary>A byte range of a blob: <paramref name="Offset"/> and <paramref name="Length"/> in bytes.</summary>
public readonly record struct ByteRange(long Offset, long Length)
{
    public long End => Offset + Length;
}

public sealed record BlobProperties(string Name, long Length, string ETag, DateTimeOffset LastModified);

/// <summary>Bytes read from a blob, with the ETag and total length of the object they came from.</summary>
public sealed record BlobContent(ReadOnlyMemory<byte> Data, string ETag, long TotalLength);

public sealed record BlobPage(IReadOnlyList<BlobProperties> Items, string? ContinuationToken);
