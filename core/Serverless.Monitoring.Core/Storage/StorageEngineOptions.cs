using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Core.Storage;

/// <summary>Settings of the <see cref="StorageEngine"/>.</summary>
public sealed record StorageEngineOptions
{
    private const long Hour = 60 * 60 * 1000;

    /// <summary>Blob container holding the blocks.</summary>
    public string BlockContainer { get; init; } = "tsdb-blocks";

    /// <summary>Table holding the block catalog.</summary>
    public string CatalogTable { get; init; } = "tsdbcatalog";

    /// <summary>Table holding the label index.</summary>
    public string LabelIndexTable { get; init; } = "tsdblabels";

    /// <summary>Prefix of block blob names.</summary>
    public string BlobPrefix { get; init; } = "blocks/";

    /// <summary>
    /// Compaction ranges, ascending, each a multiple of the one before (as Prometheus's 2h, 6h,
    /// 24h...). Ingest cuts level-0 blocks at the first; no block spans more than the last.
    /// </summary>
    public IReadOnlyList<TimeSpan> BlockRanges { get; init; } = [TimeSpan.FromHours(2), TimeSpan.FromHours(6), TimeSpan.FromHours(24)];

    /// <summary>Partition window of the catalog and bucket of the label index (a multiple of every block range).</summary>
    public TimeSpan IndexBucket { get; init; } = TimeSpan.FromDays(1);

    /// <summary>Blocks whose last sample is older than this are deleted (Prometheus's default: 15 days). Zero disables.</summary>
    public TimeSpan RetentionTime { get; init; } = TimeSpan.FromDays(15);

    /// <summary>When positive, the oldest blocks are deleted while the active blocks exceed this many bytes.</summary>
    public long RetentionSizeBytes { get; init; }

    /// <summary>Bytes of block indexes and chunks the querier keeps in memory.</summary>
    public long CacheSizeBytes { get; init; } = 256L << 20;

    /// <summary>Windows merged per compaction run at most (a run is one bounded invocation).</summary>
    public int MaxCompactionsPerRun { get; init; } = 16;

    /// <summary>
    /// A window of the smallest range that is still filling (live scraping writes a level-0 block
    /// per ingested batch) is merged once it holds this many blocks, so queries over recent data
    /// read a few blocks, not thousands. Zero leaves such windows until they are complete.
    /// </summary>
    public int HeadCompactionBlocks { get; init; } = 8;

    /// <summary>Blocks the querier reads at once.</summary>
    public int QueryParallelism { get; init; } = 8;

    /// <summary>How series are cut into chunks.</summary>
    public ChunkOptions Chunks { get; init; } = ChunkOptions.Default;

    internal long[] RangesMs => BlockRanges.Select(r => (long)r.TotalMilliseconds).ToArray();

    internal long IndexBucketMs => (long)IndexBucket.TotalMilliseconds;

    /// <summary>Throws when a setting is out of range or inconsistent.</summary>
    public void Validate()
    {
        ArgumentException.ThrowIfNullOrEmpty(BlockContainer);
        ArgumentException.ThrowIfNullOrEmpty(CatalogTable);
        ArgumentException.ThrowIfNullOrEmpty(LabelIndexTable);
        ArgumentNullException.ThrowIfNull(BlobPrefix);
        ArgumentNullException.ThrowIfNull(BlockRanges);
        if (BlockRanges.Count == 0)
        {
            throw new ArgumentException("at least one block range is needed", nameof(BlockRanges));
        }

        var ranges = RangesMs;
        for (var i = 0; i < ranges.Length; i++)
        {
            if (ranges[i] < 1 || (i > 0 && (ranges[i] <= ranges[i - 1] || ranges[i] % ranges[i - 1] != 0)))
            {
                throw new ArgumentException("block ranges must be positive, ascending, each a multiple of the one before", nameof(BlockRanges));
            }
        }

        if (IndexBucketMs < 1 || IndexBucketMs % ranges[0] != 0)
        {
            throw new ArgumentException("the index bucket must be a multiple of the smallest block range", nameof(IndexBucket));
        }

        if (RetentionTime < TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(RetentionTime), RetentionTime, "must not be negative");
        }

        ArgumentOutOfRangeException.ThrowIfNegative(RetentionSizeBytes);
        ArgumentOutOfRangeException.ThrowIfNegative(CacheSizeBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxCompactionsPerRun, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(HeadCompactionBlocks);
        if (HeadCompactionBlocks == 1)
        {
            throw new ArgumentOutOfRangeException(nameof(HeadCompactionBlocks), "merging a single block changes nothing: use 0 or at least 2");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(QueryParallelism, 1);
        ArgumentNullException.ThrowIfNull(Chunks);
        Chunks.Validate();
    }
}
