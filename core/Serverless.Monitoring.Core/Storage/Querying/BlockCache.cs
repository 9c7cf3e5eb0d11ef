using Serverless.Monitoring.Core.Storage.Blocks;

namespace Serverless.Monitoring.Core.Storage.Querying;

/// <summary>
/// A least-recently-used cache of block indexes, postings lists, series entries (labels and
/// chunk metas) and chunk bytes, bounded by an estimate of the bytes it holds. Blocks are immutable and their blob names are never reused for other bytes,
/// so entries never go stale; those of deleted blocks simply age out. Thread-safe.
/// </summary>
public sealed class BlockCache : IPostingsCache
{
    private const int EntryOverhead = 96;

    private readonly Lock _gate = new();
    private readonly Dictionary<CacheKey, LinkedListNode<(CacheKey Key, object Value, long Size)>> _map = [];
    private readonly LinkedList<(CacheKey Key, object Value, long Size)> _lru = new();

    /// <param name="capacityBytes">The budget; zero disables caching.</param>
    public BlockCache(long capacityBytes)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(capacityBytes);
        CapacityBytes = capacityBytes;
    }

    /// <summary>The budget in bytes.</summary>
    public long CapacityBytes { get; }

    /// <summary>The estimated bytes held now.</summary>
    public long SizeBytes { get; private set; }

    /// <summary>Entries held now.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _map.Count;
            }
        }
    }

    /// <summary>The cached index of block blob <paramref name="blobName"/>, or null.</summary>
    public BlockIndex? GetIndex(string blobName) => Get(new CacheKey(EntryKind.Index, blobName, 0)) as BlockIndex;

    /// <summary>Caches a block index.</summary>
    public void PutIndex(BlockIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        Put(new CacheKey(EntryKind.Index, index.Name, 0), index, index.EstimatedSizeBytes);
    }

    /// <inheritdoc />
    public uint[]? GetPostings(string blobName, long offset) => Get(new CacheKey(EntryKind.Postings, blobName, offset)) as uint[];

    /// <inheritdoc />
    public void PutPostings(string blobName, long offset, uint[] postings)
    {
        ArgumentNullException.ThrowIfNull(postings);
        Put(new CacheKey(EntryKind.Postings, blobName, offset), postings, postings.Length * sizeof(uint));
    }

    /// <summary>The cached entry (labels and every chunk meta) of series <paramref name="seriesRef"/> in block blob <paramref name="blobName"/>, or null.</summary>
    public BlockSeries? GetSeries(string blobName, uint seriesRef) => Get(new CacheKey(EntryKind.Series, blobName, seriesRef)) as BlockSeries;

    /// <summary>Caches a series entry with all its chunk metas.</summary>
    public void PutSeries(string blobName, BlockSeries series)
    {
        ArgumentNullException.ThrowIfNull(series);

        // The label strings come from the block's symbol table, which the cached index holds.
        var size = 64 + (series.Labels.Count * 16) + (series.Chunks.Count * 32);
        Put(new CacheKey(EntryKind.Series, blobName, series.Ref), series, size);
    }

    /// <summary>The cached bytes of the chunk at <paramref name="offset"/> in block blob <paramref name="blobName"/>, or null.</summary>
    public BlockChunk? GetChunk(string blobName, long offset) => Get(new CacheKey(EntryKind.Chunk, blobName, offset)) as BlockChunk;

    /// <summary>Caches a chunk (the caller passes one that owns its bytes).</summary>
    public void PutChunk(string blobName, BlockChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        Put(new CacheKey(EntryKind.Chunk, blobName, chunk.Meta.Offset), chunk, chunk.Data.Length);
    }

    private object? Get(CacheKey key)
    {
        lock (_gate)
        {
            if (!_map.TryGetValue(key, out var node))
            {
                return null;
            }

            _lru.Remove(node);
            _lru.AddFirst(node);
            return node.Value.Value;
        }
    }

    private void Put(CacheKey key, object value, long size)
    {
        size += EntryOverhead;
        if (size > CapacityBytes)
        {
            return;
        }

        lock (_gate)
        {
            if (_map.TryGetValue(key, out var existing))
            {
                _lru.Remove(existing);
                SizeBytes -= existing.Value.Size;
            }

            var node = _lru.AddFirst((key, value, size));
            _map[key] = node;
            SizeBytes += size;
            while (SizeBytes > CapacityBytes && _lru.Last is { } last)
            {
                _lru.RemoveLast();
                _map.Remove(last.Value.Key);
                SizeBytes -= last.Value.Size;
            }
        }
    }

    private enum EntryKind : byte
    {
        Index,
        Series,
        Chunk,
        Postings,
    }

    /// <summary>What an entry is, of which block blob, and where in it (a chunk's or postings list's offset, a series' ref; 0 for the index).</summary>
    private readonly record struct CacheKey(EntryKind Kind, string BlobName, long Position);
}
