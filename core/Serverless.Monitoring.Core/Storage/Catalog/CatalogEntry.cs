using Serverless.Monitoring.Core.Storage.Blocks;

namespace Serverless.Monitoring.Core.Storage.Catalog;

/// <summary>One block as the catalog knows it (one table row).</summary>
/// <param name="Id">The block ID.</param>
/// <param name="BlobName">The blob holding the block.</param>
/// <param name="MinTimeMs">Earliest sample.</param>
/// <param name="MaxTimeMs">Latest sample (inclusive).</param>
/// <param name="Shard">The shard of series the block holds ("" when unsharded).</param>
/// <param name="NumSeries">Series count.</param>
/// <param name="NumSamples">Sample count.</param>
/// <param name="NumChunks">Chunk count.</param>
/// <param name="Level">Compaction level: 0 for ingested blocks.</param>
/// <param name="State">Active or Retired.</param>
/// <param name="Sources">IDs of the blocks merged into this one, ascending.</param>
/// <param name="SizeBytes">Blob size.</param>
public sealed record CatalogEntry(
    string Id,
    string BlobName,
    long MinTimeMs,
    long MaxTimeMs,
    string Shard,
    long NumSeries,
    long NumSamples,
    long NumChunks,
    int Level,
    BlockState State,
    IReadOnlyList<string> Sources,
    long SizeBytes)
{
    /// <summary>True once the blob of a retired block was deleted.</summary>
    public bool BlobDeleted { get; init; }

    /// <summary>The ETag of the row as read; null for an entry built in code.</summary>
    public string? ETag { get; init; }

    /// <summary>True when the block may hold samples in [<paramref name="minTimeMs"/>, <paramref name="maxTimeMs"/>].</summary>
    public bool Overlaps(long minTimeMs, long maxTimeMs) => MinTimeMs <= maxTimeMs && MaxTimeMs >= minTimeMs;

    /// <summary>An active entry for a block just written.</summary>
    public static CatalogEntry FromMeta(BlockMeta meta, string blobName, string shard = "") =>
        new(meta.Id, blobName, meta.MinTimeMs, meta.MaxTimeMs, shard, meta.NumSeries, meta.NumSamples, meta.NumChunks,
            meta.CompactionLevel, BlockState.Active, meta.Sources, meta.SizeBytes);

    public bool Equals(CatalogEntry? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && string.Equals(BlobName, other.BlobName, StringComparison.Ordinal)
        && MinTimeMs == other.MinTimeMs && MaxTimeMs == other.MaxTimeMs
        && string.Equals(Shard, other.Shard, StringComparison.Ordinal)
        && NumSeries == other.NumSeries && NumSamples == other.NumSamples && NumChunks == other.NumChunks
        && Level == other.Level && State == other.State && SizeBytes == other.SizeBytes && BlobDeleted == other.BlobDeleted
        && Sources.SequenceEqual(other.Sources, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Id, State, BlobDeleted);
}
