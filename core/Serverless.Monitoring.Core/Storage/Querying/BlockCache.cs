using Serverless.Monitoring.Core.Storage.Blocks;

namespace Serverless.Monitoring.Core.Storage.Querying;

/// <summary>
/// A least-recently-used cache of block indexes and chunk bytes, bounded by an estimate of the
/// bytes it holds. Blocks are immutable and their blob names are never reused for other bytes,
/// so entries never go stale; those of deleted blocks simply age out. Thread-safe.
/// </summary>
public sealed class BlockCache
{
    private const int EntryOverhead = 96;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, LinkedListNode<(string Key, object Value, long Size)>> _map = new(StringComparer.Ordinal);
    private readonly LinkedList<(string Key, object Value, long Size)> _lru = new();

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
    public BlockIndex? GetIndex(string blobName) => Get("i:" + blobName) as BlockIndex;

    /// <summary>Caches a block index.</summary>
    public void PutIndex(BlockIndex index)
    {
        ArgumentNullException.ThrowIfNull(index);
        Put("i:" + index.Name, index, index.EstimatedSizeBytes);
    }

    /// <summary>The cached bytes of the chunk at <paramref name="offset"/> in block blob <paramref name="blobName"/>, or null.</summary>
    public BlockChunk? GetChunk(string blobName, long offset) => Get(ChunkKey(blobName, offset)) as BlockChunk;

    /// <summary>Caches a chunk (the caller passes one that owns its bytes).</summary>
    public void PutChunk(string blobName, BlockChunk chunk)
    {
        ArgumentNullException.ThrowIfNull(chunk);
        Put(ChunkKey(blobName, chunk.Meta.Offset), chunk, chunk.Data.Length);
    }

    private static string ChunkKey(string blobName, long offset) => string.Concat("c:", blobName, ":", offset.ToString(System.Globalization.CultureInfo.InvariantCulture));

    private object? Get(string key)
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

    private void Put(string key, object value, long size)
    {
        size += EntryOverhead + (key.Length * 2);
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
}
