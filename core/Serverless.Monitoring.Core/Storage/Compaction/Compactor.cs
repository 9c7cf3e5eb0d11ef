using System.Runtime.InteropServices;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Catalog;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Core.Storage.Compaction;

/// <summary>
/// Merges the active blocks of an aligned window into one block, range by range (2 h, then
/// 6 h, 24 h... as configured), once the window has ended. Each merge is four observable steps:
/// <list type="number">
/// <item>write the merged blob create-only, with an ID derived from the sorted source IDs (one
/// already there is the same merge from an interrupted run: reuse it);</item>
/// <item>insert its catalog row (queries now read it and its sources, deduplicating);</item>
/// <item>mark each source retired (ETag-conditional); the rows stay as tombstones so that a
/// replayed ingest batch adds nothing;</item>
/// <item>delete each source blob, then note that on its row.</item>
/// </list>
/// Every run first finishes what an interrupted run left: sources of active merged blocks that
/// are still active get retired, retired blocks whose blob remains get it deleted. Samples are
/// deduplicated and conflicts resolved with <see cref="SampleConflict"/>, as at ingest.
/// <para>
/// A crash after step 1 whose window then gains a block before the next run leaves the first
/// merged blob without a catalog row (the next run merges a different source set under another
/// ID). Such a blob is invisible to queries; a sweep of blobs without catalog rows is left to do.
/// </para>
/// </summary>
public sealed class Compactor
{
    private readonly IBlobStore _blobs;
    private readonly BlockCatalog _catalog;
    private readonly StorageEngineOptions _options;
    private readonly long[] _ranges;
    private readonly TimeProvider _time;
    private readonly Counter? _corrupt;
    private readonly Counter? _merged;
    private readonly Action<string>? _log;

    /// <param name="log">Where windows left alone (a corrupt source) are reported, besides the result.</param>
    public Compactor(
        IBlobStore blobs, BlockCatalog catalog, StorageEngineOptions options, TimeProvider? time = null, MetricRegistry? metrics = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _blobs = blobs;
        _catalog = catalog;
        _options = options;
        _ranges = options.RangesMs;
        _time = time ?? TimeProvider.System;
        _log = log;
        _corrupt = metrics?.CreateCounter("tsdb_compaction_corrupt_blocks_total", "Compactions skipped because a source block is corrupt.");
        _merged = metrics?.CreateCounter("tsdb_compactions_total", "Merged blocks written by compaction.");
    }

    /// <summary>Finishes interrupted work, then merges up to <see cref="StorageEngineOptions.MaxCompactionsPerRun"/> windows.</summary>
    public async Task<CompactionResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var warnings = new List<string>();
        var all = await _catalog.ListAsync(long.MinValue, long.MaxValue, includeRetired: true, cancellationToken);
        var (retired, deleted) = await FinishAsync(all, cancellationToken);

        var now = _time.GetUtcNow().ToUnixTimeMilliseconds();
        var active = (await _catalog.ListAsync(long.MinValue, long.MaxValue, false, cancellationToken)).ToList();
        var merged = 0;
        foreach (var range in _ranges)
        {
            var windows = active
                .Where(e => TableKeys.Window(e.MinTimeMs, range) == TableKeys.Window(e.MaxTimeMs, range))
                .GroupBy(e => TableKeys.Window(e.MinTimeMs, range))
                .Where(g => g.Count() >= 2 && ((g.Key + 1) * range <= now || (range == _ranges[0] && _options.HeadCompactionBlocks > 0 && g.Count() >= _options.HeadCompactionBlocks)))
                .OrderBy(g => g.Key)
                .ToList();
            foreach (var window in windows)
            {
                if (merged >= _options.MaxCompactionsPerRun)
                {
                    break;
                }

                var sources = window.OrderBy(e => e.Id, StringComparer.Ordinal).ToList();
                var entry = await MergeAsync(window.Key * range, sources, warnings, cancellationToken);
                if (entry is null)
                {
                    // Left alone (warned): wider ranges skip these blocks too in this run.
                    active.RemoveAll(e => sources.Contains(e));
                    continue;
                }

                merged++;
                foreach (var s in sources)
                {
                    if (await _catalog.RetireAsync(s, cancellationToken))
                    {
                        retired++;
                    }
                }

                foreach (var s in sources)
                {
                    await _blobs.DeleteAsync(s.BlobName, default, cancellationToken);
                    deleted++;
                    await _catalog.MarkBlobDeletedAsync(s with { ETag = null }, cancellationToken);
                }

                active.RemoveAll(e => sources.Contains(e));
                active.Add(entry);
            }
        }

        return new CompactionResult(merged, retired, deleted, warnings);
    }

    /// <summary>Retires sources of active merged blocks still active, and deletes blobs of retired blocks.</summary>
    private async Task<(int Retired, int Deleted)> FinishAsync(IReadOnlyList<CatalogEntry> all, CancellationToken cancellationToken)
    {
        var byId = all.ToDictionary(e => e.Id, StringComparer.Ordinal);
        var retired = 0;
        var deleted = 0;
        var toDelete = all.Where(e => e.State == BlockState.Retired && !e.BlobDeleted).ToList();
        foreach (var merged in all.Where(e => e.State == BlockState.Active && e.Sources.Count > 0))
        {
            foreach (var id in merged.Sources)
            {
                if (byId.TryGetValue(id, out var source) && source.State == BlockState.Active && await _catalog.RetireAsync(source, cancellationToken))
                {
                    retired++;
                    toDelete.Add(source with { ETag = null });
                }
            }
        }

        foreach (var e in toDelete)
        {
            await _blobs.DeleteAsync(e.BlobName, default, cancellationToken);
            deleted++;
            await _catalog.MarkBlobDeletedAsync(e with { ETag = null }, cancellationToken);
        }

        return (retired, deleted);
    }

    /// <summary>Steps 1 and 2: the merged blob and its catalog row. Null when the window was left alone.</summary>
    private async Task<CatalogEntry?> MergeAsync(long windowStart, List<CatalogEntry> sources, List<string> warnings, CancellationToken cancellationToken)
    {
        var id = BlockId.FromKey(windowStart, "compact:" + string.Join(',', sources.Select(s => s.Id)));
        var blobName = _options.BlobPrefix + id;
        var minT = sources.Min(s => s.MinTimeMs);
        var existing = await _catalog.GetAsync(id, minT, cancellationToken);
        if (existing is not null)
        {
            return existing;
        }

        BlockMeta meta;
        try
        {
            var props = await _blobs.GetPropertiesAsync(blobName, cancellationToken);
            if (props is not null)
            {
                var index = await BlockReader.ReadIndexAsync(_blobs, blobName, props.Length, null, cancellationToken);
                meta = index.Meta;
            }
            else
            {
                var bytes = await BuildAsync(id, sources, cancellationToken);
                try
                {
                    using var stream = new MemoryStream(bytes.Data, writable: false);
                    await _blobs.PutAsync(blobName, stream, StorageCondition.CreateOnly, cancellationToken);
                }
                catch (StorageConflictException)
                {
                }

                meta = bytes.Meta;
                _merged?.Inc();
            }
        }
        catch (CorruptBlockException ex)
        {
            _corrupt?.Inc();
            var warning = $"window at {windowStart} not compacted: {ex.Message}";
            warnings.Add(warning);
            _log?.Invoke(warning);
            return null;
        }

        var entry = CatalogEntry.FromMeta(meta, blobName);
        await _catalog.InsertAsync(entry, cancellationToken);
        return entry;
    }

    private async Task<(byte[] Data, BlockMeta Meta)> BuildAsync(string id, List<CatalogEntry> sources, CancellationToken cancellationToken)
    {
        var series = new Dictionary<LabelSet, List<BlockChunk[]>>();
        foreach (var source in sources)
        {
            var reader = await BlockReader.OpenAsync(_blobs, source.BlobName, source.SizeBytes, null, cancellationToken);
            var list = await reader.SeriesAsync([], long.MinValue, long.MaxValue, cancellationToken);
            var chunks = await reader.ReadSeriesChunksAsync(list, cancellationToken);
            for (var i = 0; i < list.Count; i++)
            {
                if (!series.TryGetValue(list[i].Labels, out var runs))
                {
                    series[list[i].Labels] = runs = [];
                }

                runs.Add([.. chunks[i]]);
            }
        }

        var writer = new BlockWriter(new BlockWriterOptions
        {
            BlockId = id,
            CompactionLevel = sources.Max(s => s.Level) + 1,
            Sources = sources.Select(s => s.Id).ToArray(),
            Chunks = _options.Chunks,
        });
        // Re-encoding (series in more than one source) on every core; then the block in order.
        // Add(samples) is Pack plus AddChunks, so the bytes are the same as adding one by one.
        var entries = series.ToArray();
        var packed = new IReadOnlyList<EncodedChunk>[entries.Length];
        Parallel.For(
            0,
            entries.Length,
            new ParallelOptions { CancellationToken = cancellationToken },
            () => new List<Sample>(),
            (i, _, samples) =>
            {
                var runs = entries[i].Value;
                if (runs.Count == 1)
                {
                    packed[i] = runs[0].Select(c => c.ToEncodedChunk()).ToArray();
                    return samples;
                }

                samples.Clear();
                foreach (var run in runs)
                {
                    foreach (var chunk in run)
                    {
                        var it = new XorChunkIterator(chunk.Data);
                        while (it.MoveNext())
                        {
                            samples.Add(it.Current);
                        }
                    }
                }

                var span = CollectionsMarshal.AsSpan(samples);
                var n = SampleConflict.SortAndDedupe(span);
                packed[i] = n == 0 ? [] : ChunkPacker.Pack(span[..n], _options.Chunks);
                return samples;
            },
            _ => { });

        for (var i = 0; i < entries.Length; i++)
        {
            writer.AddChunks(entries[i].Key, packed[i]);
        }

        var data = writer.ToArray(out var meta);
        return (data, meta);
    }
}
