using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage.Catalog;
using Serverless.Monitoring.Core.Storage.Compaction;
using Serverless.Monitoring.Core.Storage.Index;
using Serverless.Monitoring.Core.Storage.Ingest;
using Serverless.Monitoring.Core.Storage.Querying;
using Serverless.Monitoring.Core.Storage.Retention;

namespace Serverless.Monitoring.Core.Storage;

/// <summary>
/// The storage engine's one entry point for hosts and the import command: blocks in a blob
/// container, a block catalog and a label index in two tables, all from one
/// <see cref="IStorageProvider"/> (local disk or Azure Storage). Holds only caches in memory;
/// every call is a bounded invocation whose writes are durable when it returns.
/// </summary>
public sealed class StorageEngine
{
    private StorageEngine(IStorageProvider provider, StorageEngineOptions options, TimeProvider time, MetricRegistry? metrics, Action<string>? log)
    {
        Options = options;
        Blobs = provider.GetBlobStore(options.BlockContainer);
        var ranges = options.RangesMs;
        Catalog = new BlockCatalog(provider.GetTableStore(options.CatalogTable), options.IndexBucketMs, ranges[^1]);
        Index = new LabelIndex(provider.GetTableStore(options.LabelIndexTable), options.IndexBucketMs);
        Ingester = new Ingester(Blobs, Catalog, Index, options, metrics);
        Compactor = new Compactor(Blobs, Catalog, options, time, metrics, log);
        Retention = new RetentionEnforcer(Blobs, Catalog, Index, options, time);
        Querier = new Querier(Blobs, Catalog, Index, new BlockCache(options.CacheSizeBytes), options.QueryParallelism, metrics, log);
    }

    public StorageEngineOptions Options { get; }

    public IBlobStore Blobs { get; }

    public BlockCatalog Catalog { get; }

    public LabelIndex Index { get; }

    public Ingester Ingester { get; }

    public Compactor Compactor { get; }

    public RetentionEnforcer Retention { get; }

    public Querier Querier { get; }

    /// <summary>Creates the engine and its container and tables (when missing).</summary>
    /// <param name="provider">Local disk or Azure Storage.</param>
    /// <param name="options">Names, block ranges, retention, cache size.</param>
    /// <param name="time">The clock for compaction and retention.</param>
    /// <param name="metrics">Where the engine's counters go (optional).</param>
    /// <param name="log">Where skipped corrupt or missing blocks are reported (optional; e.g. a logger's warning).</param>
    /// <param name="cancellationToken">Cancels the setup.</param>
    public static async Task<StorageEngine> OpenAsync(
        IStorageProvider provider,
        StorageEngineOptions? options = null,
        TimeProvider? time = null,
        MetricRegistry? metrics = null,
        Action<string>? log = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(provider);
        options ??= new StorageEngineOptions();
        options.Validate();
        var engine = new StorageEngine(provider, options, time ?? TimeProvider.System, metrics, log);
        await engine.Blobs.CreateIfNotExistsAsync(cancellationToken);
        await engine.Catalog.CreateIfNotExistsAsync(cancellationToken);
        await engine.Index.CreateIfNotExistsAsync(cancellationToken);
        return engine;
    }

    /// <summary>Stores a batch (see <see cref="Ingest.Ingester"/>); idempotent by batch ID.</summary>
    public Task<IngestResult> IngestAsync(SampleBatch batch, CancellationToken cancellationToken = default) =>
        Ingester.IngestAsync(batch, cancellationToken);

    /// <summary>Series matching all matchers in [min, max], sorted, with merged sample iterators.</summary>
    public Task<SeriesSelection> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken = default) =>
        Querier.SelectAsync(matchers, minTimeMs, maxTimeMs, cancellationToken);

    public Task<IReadOnlyList<string>> LabelNamesAsync(long minTimeMs, long maxTimeMs, IReadOnlyList<LabelMatcher>? matchers = null, CancellationToken cancellationToken = default) =>
        Querier.LabelNamesAsync(minTimeMs, maxTimeMs, matchers, cancellationToken);

    public Task<IReadOnlyList<string>> LabelValuesAsync(string name, long minTimeMs, long maxTimeMs, IReadOnlyList<LabelMatcher>? matchers = null, CancellationToken cancellationToken = default) =>
        Querier.LabelValuesAsync(name, minTimeMs, maxTimeMs, matchers, cancellationToken);

    public Task<IReadOnlyList<LabelSet>> SeriesAsync(IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken = default) =>
        Querier.SeriesAsync(matchers, minTimeMs, maxTimeMs, cancellationToken);

    /// <summary>One compaction run (timer-triggered).</summary>
    public Task<CompactionResult> CompactAsync(CancellationToken cancellationToken = default) => Compactor.RunAsync(cancellationToken);

    /// <summary>One retention run (timer-triggered).</summary>
    public Task<RetentionResult> ApplyRetentionAsync(CancellationToken cancellationToken = default) => Retention.RunAsync(cancellationToken);
}
