using System.Collections.Concurrent;
using System.Globalization;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Tests.Storage.Blocks;

/// <summary>
/// A blob store in memory with the ranged-read semantics of the real adapters: a range must
/// start inside the blob (else <c>InvalidRange</c>) and is clipped at its end. Tests may replace
/// a blob's bytes behind the store's back with <see cref="Overwrite"/>.
/// </summary>
public sealed class InMemoryBlobStore : IBlobStore
{
    private readonly ConcurrentDictionary<string, (byte[] Data, string ETag, DateTimeOffset Modified)> _blobs = new(StringComparer.Ordinal);
    private int _version;

    public string Container => "memory";

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;

    public async Task<BlobProperties> PutAsync(string name, Stream content, StorageCondition condition = default, CancellationToken cancellationToken = default)
    {
        using var buffer = new MemoryStream();
        await content.CopyToAsync(buffer, cancellationToken);
        var entry = (buffer.ToArray(), NextETag(), DateTimeOffset.UnixEpoch);
        if (condition.IfNotExists)
        {
            if (!_blobs.TryAdd(name, entry))
            {
                throw new StorageConflictException($"Blob '{name}' exists.", "BlobAlreadyExists");
            }
        }
        else if (condition.IfMatch is { } etag)
        {
            if (!_blobs.TryGetValue(name, out var old) || old.ETag != etag || !_blobs.TryUpdate(name, entry, old))
            {
                throw new StoragePreconditionFailedException($"Blob '{name}' changed.", "ConditionNotMet");
            }
        }
        else
        {
            _blobs[name] = entry;
        }

        return new BlobProperties(name, entry.Item1.Length, entry.Item2, entry.Item3);
    }

    public Task<BlobContent> GetAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        if (!_blobs.TryGetValue(name, out var blob))
        {
            throw new StorageNotFoundException($"Blob '{name}' not found.", "BlobNotFound");
        }

        if (range is not { } r)
        {
            return Task.FromResult(new BlobContent(blob.Data.ToArray(), blob.ETag, blob.Data.Length));
        }

        if (r.Offset < 0 || r.Length <= 0 || r.Offset >= blob.Data.Length)
        {
            throw new StorageRequestException($"Invalid range {r.Offset}+{r.Length} of '{name}'.", "InvalidRange");
        }

        var count = (int)Math.Min(r.Length, blob.Data.Length - r.Offset);
        return Task.FromResult(new BlobContent(blob.Data.AsSpan((int)r.Offset, count).ToArray(), blob.ETag, blob.Data.Length));
    }

    public Task<BlobProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default) =>
        Task.FromResult(_blobs.TryGetValue(name, out var b) ? new BlobProperties(name, b.Data.Length, b.ETag, b.Modified) : null);

    public Task<BlobPage> ListAsync(string prefix, string? continuationToken = null, int pageSize = 5000, CancellationToken cancellationToken = default)
    {
        var items = _blobs
            .Where(kv => kv.Key.StartsWith(prefix, StringComparison.Ordinal))
            .OrderBy(kv => kv.Key, StringComparer.Ordinal)
            .Select(kv => new BlobProperties(kv.Key, kv.Value.Data.Length, kv.Value.ETag, kv.Value.Modified))
            .ToList();
        return Task.FromResult(new BlobPage(items, null));
    }

    public Task<bool> DeleteAsync(string name, StorageCondition condition = default, CancellationToken cancellationToken = default) =>
        Task.FromResult(_blobs.TryRemove(name, out _));

    /// <summary>Stores <paramref name="data"/> under <paramref name="name"/>, replacing anything there.</summary>
    public void Overwrite(string name, byte[] data) => _blobs[name] = (data.ToArray(), NextETag(), DateTimeOffset.UnixEpoch);

    /// <summary>The stored bytes.</summary>
    public byte[] Bytes(string name) => _blobs[name].Data.ToArray();

    private string NextETag() => "\"" + Interlocked.Increment(ref _version).ToString(CultureInfo.InvariantCulture) + "\"";
}

/// <summary>Wraps a store and records every read, to prove what a query touches.</summary>
public sealed class CountingBlobStore(IBlobStore inner) : IBlobStore
{
    private readonly ConcurrentQueue<(string Name, ByteRange? Range, int Bytes)> _reads = new();
    private int _propertyRequests;

    public IReadOnlyList<(string Name, ByteRange? Range, int Bytes)> Reads => [.. _reads];

    public long BytesRead => _reads.Sum(r => (long)r.Bytes);

    public int Gets => _reads.Count;

    public int PropertyRequests => _propertyRequests;

    public string Container => inner.Container;

    public void Reset()
    {
        _reads.Clear();
        _propertyRequests = 0;
    }

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => inner.CreateIfNotExistsAsync(cancellationToken);

    public Task<BlobProperties> PutAsync(string name, Stream content, StorageCondition condition = default, CancellationToken cancellationToken = default) =>
        inner.PutAsync(name, content, condition, cancellationToken);

    public async Task<BlobContent> GetAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default)
    {
        var content = await inner.GetAsync(name, range, cancellationToken);
        _reads.Enqueue((name, range, content.Data.Length));
        return content;
    }

    public Task<BlobProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _propertyRequests);
        return inner.GetPropertiesAsync(name, cancellationToken);
    }

    public Task<BlobPage> ListAsync(string prefix, string? continuationToken = null, int pageSize = 5000, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, continuationToken, pageSize, cancellationToken);

    public Task<bool> DeleteAsync(string name, StorageCondition condition = default, CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(name, condition, cancellationToken);
}
