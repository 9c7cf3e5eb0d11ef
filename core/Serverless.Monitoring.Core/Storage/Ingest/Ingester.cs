using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Catalog;
using Serverless.Monitoring.Core.Storage.Index;

namespace Serverless.Monitoring.Core.Storage.Ingest;

/// <summary>
/// Stores a <see cref="SampleBatch"/> durably as level-0 blocks, one per aligned window of the
/// smallest block range the batch touches. Per block, in this order:
/// <list type="number">
/// <item>look the block up in the catalog by its ID (derived from the batch ID and window): a
/// row, active or retired (a tombstone left by compaction), means a replay, so go to step 4;</item>
/// <item>put the blob create-only (an existing blob is the same bytes from an interrupted
/// attempt: reuse it);</item>
/// <item>insert the catalog row (from here queries see the block);</item>
/// <item>upsert the label index rows of its series (skipped when cached as written).</item>
/// </list>
/// A crash between any two steps leaves nothing visible twice, and replaying the batch finishes
/// the job. Samples are sorted per series; two values at one timestamp are resolved with
/// <see cref="SampleConflict"/>.
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle (WaitAsync only): nothing to dispose.")]
public sealed class Ingester
{
    private readonly IBlobStore _blobs;
    private readonly BlockCatalog _catalog;
    private readonly LabelIndex _index;
    private readonly StorageEngineOptions _options;
    private readonly long _rangeMs;
    private readonly Counter? _samplesIngested;
    private readonly Counter? _seriesRejected;

    // Label index writes one at a time: concurrent batches usually share series (an import cuts
    // every window at about the same place in the file), and the second writer then finds them
    // cached as written instead of upserting the same rows again. The table store serializes
    // writes to a table anyway, so this costs no parallelism.
    private readonly SemaphoreSlim _indexGate = new(1, 1);

    public Ingester(IBlobStore blobs, BlockCatalog catalog, LabelIndex index, StorageEngineOptions options, MetricRegistry? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(blobs);
        ArgumentNullException.ThrowIfNull(catalog);
        ArgumentNullException.ThrowIfNull(index);
        ArgumentNullException.ThrowIfNull(options);
        options.Validate();
        _blobs = blobs;
        _catalog = catalog;
        _index = index;
        _options = options;
        _rangeMs = options.RangesMs[0];
        _samplesIngested = metrics?.CreateCounter("tsdb_ingested_samples_total", "Samples stored by ingest (after removing duplicates).");
        _seriesRejected = metrics?.CreateCounter("tsdb_ingest_rejected_series_total", "Series refused by ingest because of their labels.");
    }

    /// <summary>
    /// Stores the batch; a replay of a batch ID already stored adds nothing. The batch's sample
    /// lists are read until the returned task completes (not copied first), so they must not
    /// change before then; nothing of them is kept afterwards.
    /// </summary>
    /// <exception cref="ArgumentException">The batch has no ID.</exception>
    public async Task<IngestResult> IngestAsync(SampleBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        ArgumentException.ThrowIfNullOrEmpty(batch.BatchId, nameof(batch));
        ArgumentNullException.ThrowIfNull(batch.Series, nameof(batch));

        // Merge repeated label sets, validate, then sort and dedupe per series.
        var rejected = new List<RejectedSeries>();
        var bySeries = new Dictionary<LabelSet, List<IReadOnlyList<Sample>>>();
        foreach (var s in batch.Series)
        {
            var reason = s is null ? "empty labelset: invalid sample" : SeriesValidator.Validate(s.Labels);
            if (reason is not null)
            {
                rejected.Add(new RejectedSeries(s?.Labels, reason));
                continue;
            }

            if (s!.Samples is null || s.Samples.Count == 0)
            {
                continue;
            }

            if (!bySeries.TryGetValue(s.Labels, out var parts))
            {
                bySeries[s.Labels] = parts = new List<IReadOnlyList<Sample>>(1);
            }

            parts.Add(s.Samples);
        }

        _seriesRejected?.Inc(rejected.Count);

        // Cut each series into the aligned windows its samples fall in. A series given once,
        // already in order without repeated timestamps (an import's), is read where it is: the
        // batch's arrays are only read, and only until this call returns.
        var windows = new SortedDictionary<long, List<(LabelSet Labels, ArraySegment<Sample> Samples)>>();
        long total = 0;
        foreach (var (labels, parts) in bySeries)
        {
            var samples = parts.Count == 1 && AsSegment(parts[0]) is { } view && IsStrictlyIncreasing(view)
                ? view
                : Merge(parts);
            var n = samples.Count;
            total += n;
            var start = 0;
            while (start < n)
            {
                var window = TableKeys.Window(samples[start].TimestampMs, _rangeMs);
                var end = start + 1;
                while (end < n && TableKeys.Window(samples[end].TimestampMs, _rangeMs) == window)
                {
                    end++;
                }

                if (!windows.TryGetValue(window, out var inWindow))
                {
                    windows[window] = inWindow = [];
                }

                inWindow.Add((labels, samples.Slice(start, end - start)));
                start = end;
            }
        }

        var added = 0;
        var replayed = 0;
        foreach (var (window, series) in windows)
        {
            if (await StoreBlockAsync(batch.BatchId, window, series, cancellationToken))
            {
                added++;
            }
            else
            {
                replayed++;
            }
        }

        if (added > 0)
        {
            _samplesIngested?.Inc(total);
        }

        return new IngestResult(bySeries.Count, total, added, replayed, rejected);
    }

    private async Task<bool> StoreBlockAsync(
        string batchId, long window, List<(LabelSet Labels, ArraySegment<Sample> Samples)> series, CancellationToken cancellationToken)
    {
        var windowStart = window * _rangeMs;
        var id = BlockId.FromKey(windowStart, $"{batchId}@{window}");
        var blobName = _options.BlobPrefix + id;
        var added = false;

        // 1. A row (active, or a tombstone of a compacted block) means this block was stored before.
        if (await _catalog.GetAsync(id, windowStart, cancellationToken) is null)
        {
            var writer = new BlockWriter(new BlockWriterOptions { BlockId = id, CompactionLevel = 0, Chunks = _options.Chunks });
            foreach (var (labels, samples) in series)
            {
                writer.Add(labels, samples);
            }

            var bytes = writer.ToArray(out var meta);

            // 2. The blob, create-only: one already there is these bytes from an interrupted attempt.
            try
            {
                using var stream = new MemoryStream(bytes, writable: false);
                await _blobs.PutAsync(blobName, stream, StorageCondition.CreateOnly, cancellationToken);
            }
            catch (StorageConflictException)
            {
            }

            // 3. The catalog row: from now on queries see the block.
            added = await _catalog.InsertAsync(CatalogEntry.FromMeta(meta, blobName), cancellationToken);
        }

        // 4. The label index (idempotent; also on a replay, which may follow a crash before this step).
        await _indexGate.WaitAsync(cancellationToken);
        try
        {
            await _index.AddAsync(windowStart, series.Select(s => s.Labels), cancellationToken);
        }
        finally
        {
            _indexGate.Release();
        }

        return added;
    }

    private static ArraySegment<Sample>? AsSegment(IReadOnlyList<Sample> samples) => samples switch
    {
        ArraySegment<Sample> segment => segment,
        Sample[] array => new ArraySegment<Sample>(array),
        _ => (ArraySegment<Sample>?)null,
    };

    private static bool IsStrictlyIncreasing(ReadOnlySpan<Sample> samples)
    {
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i].TimestampMs <= samples[i - 1].TimestampMs)
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>The parts of one series in one new array, sorted, one sample per timestamp.</summary>
    private static ArraySegment<Sample> Merge(List<IReadOnlyList<Sample>> parts)
    {
        var count = 0;
        foreach (var part in parts)
        {
            count += part.Count;
        }

        var samples = GC.AllocateUninitializedArray<Sample>(count);
        var at = 0;
        foreach (var part in parts)
        {
            if (AsSegment(part) is { } segment)
            {
                segment.AsSpan().CopyTo(samples.AsSpan(at));
                at += segment.Count;
            }
            else
            {
                foreach (var sample in part)
                {
                    samples[at++] = sample;
                }
            }
        }

        return new ArraySegment<Sample>(samples, 0, SampleConflict.SortAndDedupe(samples));
    }
}
