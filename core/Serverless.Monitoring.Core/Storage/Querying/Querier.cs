using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Catalog;
using Serverless.Monitoring.Core.Storage.Index;

namespace Serverless.Monitoring.Core.Storage.Querying;

/// <summary>
/// Reads stored series. <see cref="SelectAsync"/> finds the active blocks overlapping the range
/// in the catalog, resolves the matchers against each block's own index (cached), reads only the
/// chunks in range (cached) and merges each series across blocks, so overlapping blocks (late
/// data, or a merged block and its not-yet-retired sources) never show a sample twice. Label
/// names, values and series come from the <see cref="LabelIndex"/> without opening blocks.
/// A corrupt block is skipped with a warning in the result and counted in
/// <c>tsdb_corrupt_block_reads_total</c>; it never fails the query.
/// </summary>
public sealed class Querier
{
    private readonly IBlobStore _blobs;
    private readonly BlockCatalog _catalog;
    private readonly LabelIndex _index;
    private readonly BlockCache _cache;
    private readonly int _parallelism;
    private readonly Counter? _corrupt;
    private readonly Counter? _missing;
    private readonly Action<string>? _log;

    /// <param name="log">Where skipped blocks are reported (e.g. a host's logger), besides the result's warnings.</param>
    public Querier(
        IBlobStore blobs, BlockCatalog catalog, LabelIndex index, BlockCache cache, int parallelism = 8, MetricRegistry? metrics = null, Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(cache);
        ArgumentOutOfRangeException.ThrowIfLessThan(parallelism, 1);
        _blobs = blobs;
        _catalog = catalog;
        _index = index;
        _cache = cache;
        _parallelism = parallelism;
        _log = log;
        _corrupt = metrics?.CreateCounter("tsdb_corrupt_block_reads_total", "Block reads a query skipped because the block is corrupt.");
        _missing = metrics?.CreateCounter("tsdb_missing_block_reads_total", "Block reads a query skipped because the catalog named a block whose blob is gone.");
        if (metrics is not null)
        {
            var cacheBytes = metrics.CreateGauge("tsdb_block_cache_bytes", "Estimated bytes held by the block cache (indexes, postings, series entries, chunks).");
            var cacheEntries = metrics.CreateGauge("tsdb_block_cache_entries", "Entries held by the block cache.");
            metrics.AddBeforeCollect(() =>
            {
                cacheBytes.Set(cache.SizeBytes);
                cacheEntries.Set(cache.Count);
            });
        }
    }

    /// <summary>The cache of block indexes and chunks.</summary>
    public BlockCache Cache => _cache;

    /// <summary>
    /// The series matching all <paramref name="matchers"/> with samples in
    /// [<paramref name="minTimeMs"/>, <paramref name="maxTimeMs"/>], sorted by labels.
    /// </summary>
    public async Task<SeriesSelection> SelectAsync(
        IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        var warnings = new QueryWarnings();
        var found = new Dictionary<LabelSet, List<BlockChunk[]>>();
        var done = new HashSet<string>(StringComparer.Ordinal);
        var missing = new List<CatalogEntry>();

        // A block may vanish between the catalog read and its reads (compaction retired and
        // deleted it after writing the merged block): read the catalog once more then.
        for (var attempt = 0; attempt < 2; attempt++)
        {
            var entries = (await _catalog.ListAsync(minTimeMs, maxTimeMs, false, cancellationToken))
                .Where(e => !done.Contains(e.Id)).ToList();
            if (entries.Count == 0)
            {
                break;
            }

            missing.Clear();
            var results = new (CatalogEntry Entry, IReadOnlyList<(LabelSet Labels, BlockChunk[] Chunks)>? Series)[entries.Count];
            if (entries.Count == 1)
            {
                // One block (a query within one compacted window): read it here; handing it to
                // the thread pool costs two thread switches, more than a cached read itself.
                results[0] = (entries[0], await ReadBlockAsync(entries[0], matchers, minTimeMs, maxTimeMs, warnings, cancellationToken));
            }
            else
            {
                await Parallel.ForEachAsync(
                    Enumerable.Range(0, entries.Count),
                    new ParallelOptions { MaxDegreeOfParallelism = _parallelism, CancellationToken = cancellationToken },
                    async (i, ct) => results[i] = (entries[i], await ReadBlockAsync(entries[i], matchers, minTimeMs, maxTimeMs, warnings, ct)));
            }

            foreach (var (entry, series) in results)
            {
                if (series is null)
                {
                    missing.Add(entry);
                    continue;
                }

                done.Add(entry.Id);
                foreach (var (labels, chunks) in series)
                {
                    if (!found.TryGetValue(labels, out var runs))
                    {
                        found[labels] = runs = [];
                    }

                    runs.Add(chunks);
                }
            }

            if (missing.Count == 0)
            {
                break;
            }
        }

        foreach (var entry in missing)
        {
            _missing?.Inc();
            var warning = $"block {entry.Id} ({entry.BlobName}) is in the catalog but its blob is missing; skipped";
            warnings.Add(warning);
            _log?.Invoke(warning);
        }

        var keys = found.Keys.ToArray();
        Array.Sort(keys, LabelSet.Compare);
        var list = new StoredSeries[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            list[i] = new StoredSeries(keys[i], found[keys[i]], minTimeMs, maxTimeMs);
        }

        return new SeriesSelection(list, warnings);
    }

    /// <summary>Label names of series with samples around the range (day granularity), optionally only of series matching <paramref name="matchers"/>.</summary>
    public async Task<IReadOnlyList<string>> LabelNamesAsync(
        long minTimeMs, long maxTimeMs, IReadOnlyList<LabelMatcher>? matchers = null, CancellationToken cancellationToken = default)
    {
        if (matchers is null || matchers.Count == 0)
        {
            return await _index.LabelNamesAsync(minTimeMs, maxTimeMs, cancellationToken);
        }

        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var labels in await _index.SeriesAsync(matchers, minTimeMs, maxTimeMs, cancellationToken))
        {
            foreach (var label in labels)
            {
                names.Add(label.Name);
            }
        }

        var list = names.ToList();
        list.Sort(Utf8Ordinal.Instance);
        return list;
    }

    /// <summary>Values of label <paramref name="name"/> (day granularity), optionally only of series matching <paramref name="matchers"/>.</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(
        string name, long minTimeMs, long maxTimeMs, IReadOnlyList<LabelMatcher>? matchers = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (matchers is null || matchers.Count == 0)
        {
            return await _index.LabelValuesAsync(name, minTimeMs, maxTimeMs, cancellationToken);
        }

        var values = new HashSet<string>(StringComparer.Ordinal);
        foreach (var labels in await _index.SeriesAsync(matchers, minTimeMs, maxTimeMs, cancellationToken))
        {
            if (labels.TryGetValue(name, out var value))
            {
                values.Add(value);
            }
        }

        var list = values.ToList();
        list.Sort(Utf8Ordinal.Instance);
        return list;
    }

    /// <summary>Label sets of the series matching <paramref name="matchers"/> (day granularity), sorted.</summary>
    public Task<IReadOnlyList<LabelSet>> SeriesAsync(
        IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken = default) =>
        _index.SeriesAsync(matchers, minTimeMs, maxTimeMs, cancellationToken);

    /// <summary>
    /// As <see cref="BlockReader.SeriesAsync"/> (label order, only chunks overlapping the range),
    /// but series entries come from the cache when they can: only the postings are read then.
    /// </summary>
    private async Task<List<BlockSeries>> SeriesAsync(
        BlockReader reader, string blobName, IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken)
    {
        if (!reader.Meta.Overlaps(minTimeMs, maxTimeMs))
        {
            return [];
        }

        var refs = await reader.PostingsAsync(matchers, cancellationToken);
        var entries = new BlockSeries?[refs.Count];
        List<uint>? missing = null;
        for (var i = 0; i < refs.Count; i++)
        {
            entries[i] = _cache.GetSeries(blobName, refs[i]);
            if (entries[i] is null)
            {
                (missing ??= []).Add(refs[i]);
            }
        }

        if (missing is not null)
        {
            var fetched = new Dictionary<uint, BlockSeries>(missing.Count);
            foreach (var s in await reader.SeriesByRefsAsync(missing, long.MinValue, long.MaxValue, cancellationToken))
            {
                _cache.PutSeries(blobName, s);
                fetched[s.Ref] = s;
            }

            for (var i = 0; i < refs.Count; i++)
            {
                entries[i] ??= fetched.GetValueOrDefault(refs[i]);
            }
        }

        var result = new List<BlockSeries>(refs.Count);
        foreach (var s in entries)
        {
            if (s is null)
            {
                continue;
            }

            var inRange = 0;
            foreach (var c in s.Chunks)
            {
                if (c.Overlaps(minTimeMs, maxTimeMs))
                {
                    inRange++;
                }
            }

            if (inRange == s.Chunks.Count)
            {
                result.Add(s);
            }
            else if (inRange > 0)
            {
                var kept = new ChunkMeta[inRange];
                var k = 0;
                foreach (var c in s.Chunks)
                {
                    if (c.Overlaps(minTimeMs, maxTimeMs))
                    {
                        kept[k++] = c;
                    }
                }

                result.Add(s with { Chunks = kept });
            }
        }

        return result;
    }

    /// <summary>The matching series of one block with their chunks; empty when corrupt (warned), null when the blob is gone.</summary>
    private async Task<IReadOnlyList<(LabelSet Labels, BlockChunk[] Chunks)>?> ReadBlockAsync(
        CatalogEntry entry, IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, QueryWarnings warnings, CancellationToken cancellationToken)
    {
        try
        {
            var index = _cache.GetIndex(entry.BlobName);
            if (index is null)
            {
                index = await BlockReader.ReadIndexAsync(_blobs, entry.BlobName, entry.SizeBytes > 0 ? entry.SizeBytes : null, null, cancellationToken);
                _cache.PutIndex(index);
            }

            var reader = new BlockReader(_blobs, index, postingsCache: _cache);
            var series = await SeriesAsync(reader, entry.BlobName, matchers, minTimeMs, maxTimeMs, cancellationToken);
            var wanted = new List<ChunkMeta>();
            var read = new Dictionary<long, BlockChunk>();
            foreach (var s in series)
            {
                foreach (var c in s.Chunks)
                {
                    if (_cache.GetChunk(entry.BlobName, c.Offset) is { } cached)
                    {
                        read[c.Offset] = cached;
                    }
                    else
                    {
                        wanted.Add(c);
                    }
                }
            }

            if (wanted.Count > 0)
            {
                foreach (var chunk in await reader.ReadChunksAsync(wanted, cancellationToken))
                {
                    var owned = new BlockChunk(chunk.Meta, chunk.Data.ToArray());
                    read[owned.Meta.Offset] = owned;
                    _cache.PutChunk(entry.BlobName, owned);
                }
            }

            var result = new List<(LabelSet, BlockChunk[])>(series.Count);
            foreach (var s in series)
            {
                var chunks = new BlockChunk[s.Chunks.Count];
                for (var i = 0; i < chunks.Length; i++)
                {
                    var meta = s.Chunks[i];
                    chunks[i] = read.GetValueOrDefault(meta.Offset)
                        ?? _cache.GetChunk(entry.BlobName, meta.Offset)
                        ?? (await reader.ReadChunksAsync([meta], cancellationToken))[0];
                }

                result.Add((s.Labels, chunks));
            }

            return result;
        }
        catch (CorruptBlockException ex)
        {
            _corrupt?.Inc();
            var warning = $"block {entry.Id} skipped: {ex.Message}";
            warnings.Add(warning);
            _log?.Invoke(warning);
            return [];
        }
        catch (StorageNotFoundException)
        {
            return null;
        }
    }
}
