using System.Collections.Concurrent;
using System.Globalization;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Core.Storage.Index;

/// <summary>
/// The label index in a table: answers label names, label values and series lookups for a time
/// range without opening blocks. Partitioned by day bucket (<see cref="BucketMs"/>); in each
/// bucket's partition it holds, written once each:
/// <list type="bullet">
/// <item><c>n-{name}</c>: a label name that occurs in the bucket;</item>
/// <item><c>v-{name}-{value}</c>: a label pair that occurs;</item>
/// <item><c>s-{metric name}-{series ID}</c>: a series (its whole label set in a property).</item>
/// </list>
/// Texts in keys are hex of their UTF-8 (hashed when long; see <see cref="TableKeys.Text"/>);
/// rows carry the original text. A directory partition lists the buckets. Writes are idempotent
/// upserts in batches of at most 100 in one partition; an in-memory cache of rows already
/// written skips them, so table writes grow with new series, never with samples (the cache
/// is only an optimization: after a restart rows are upserted again, harmlessly).
/// </summary>
public sealed class LabelIndex
{
    private const string DirectoryPartition = "days";
    private const int MaxBatch = 100;

    private readonly ITableStore _table;
    private readonly int _maxCachedRows;
    private readonly ConcurrentDictionary<string, byte> _written = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<long, byte> _knownBuckets = new();

    /// <param name="table">The index table.</param>
    /// <param name="bucketMs">Bucket size (a day by default in <see cref="StorageEngineOptions"/>).</param>
    /// <param name="maxCachedRows">Rows remembered as written before the cache starts over.</param>
    public LabelIndex(ITableStore table, long bucketMs, int maxCachedRows = 1_000_000)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(bucketMs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxCachedRows, 1);
        _table = table;
        BucketMs = bucketMs;
        _maxCachedRows = maxCachedRows;
    }

    /// <summary>The bucket size in milliseconds.</summary>
    public long BucketMs { get; }

    /// <summary>Creates the table when missing.</summary>
    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => _table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>
    /// Records that <paramref name="series"/> have samples in the bucket of <paramref name="timeMs"/>.
    /// Returns the number of rows written (0 when all were known).
    /// </summary>
    public async Task<int> AddAsync(long timeMs, IEnumerable<LabelSet> series, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        var bucket = TableKeys.Window(timeMs, BucketMs);
        var partition = Partition(bucket);
        var pending = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var labels in series)
        {
            var seriesKey = SeriesKey(labels);
            if (IsWritten(partition, seriesKey))
            {
                continue;
            }

            foreach (var label in labels)
            {
                var nameKey = "n-" + TableKeys.Text(label.Name);
                if (!IsWritten(partition, nameKey) && !pending.ContainsKey(nameKey))
                {
                    pending[nameKey] = new TableEntity(partition, nameKey) { ["Name"] = label.Name };
                }

                var pairKey = PairPrefix(label.Name) + TableKeys.Text(label.Value);
                if (!IsWritten(partition, pairKey) && !pending.ContainsKey(pairKey))
                {
                    pending[pairKey] = new TableEntity(partition, pairKey) { ["Name"] = label.Name, ["Value"] = label.Value };
                }
            }

            pending[seriesKey] = new TableEntity(partition, seriesKey) { ["Labels"] = LabelSetCodec.Encode(labels) };
        }

        if (pending.Count == 0)
        {
            return 0;
        }

        await EnsureBucketAsync(bucket, cancellationToken);

        // Names and pairs first, series rows last: a crash in between leaves extra names, never a
        // series whose names are missing.
        var ordered = pending.Values.OrderBy(e => e.RowKey[0] == 's' ? 1 : 0).ToList();
        for (var i = 0; i < ordered.Count; i += MaxBatch)
        {
            var chunk = ordered.GetRange(i, Math.Min(MaxBatch, ordered.Count - i));
            await _table.SubmitBatchAsync(chunk.Select(TableOperation.Upsert).ToList(), cancellationToken);
            if (_written.Count + chunk.Count > _maxCachedRows)
            {
                _written.Clear();
            }

            foreach (var e in chunk)
            {
                _written.TryAdd(CacheKey(partition, e.RowKey), 0);
            }
        }

        return ordered.Count;
    }

    /// <summary>Label names of series with samples in buckets overlapping the range, in UTF-8 order.</summary>
    public async Task<IReadOnlyList<string>> LabelNamesAsync(long minTimeMs, long maxTimeMs, CancellationToken cancellationToken = default)
    {
        var names = new HashSet<string>(StringComparer.Ordinal);
        foreach (var bucket in await BucketsAsync(minTimeMs, maxTimeMs, cancellationToken))
        {
            await ScanAsync(Partition(bucket), "n-", e => names.Add(e.GetString("Name") ?? string.Empty), cancellationToken);
        }

        return Sorted(names);
    }

    /// <summary>Values of label <paramref name="name"/> in buckets overlapping the range, in UTF-8 order.</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(string name, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        var values = new HashSet<string>(StringComparer.Ordinal);
        var prefix = PairPrefix(name);
        foreach (var bucket in await BucketsAsync(minTimeMs, maxTimeMs, cancellationToken))
        {
            await ScanAsync(Partition(bucket), prefix, e =>
            {
                if (string.Equals(e.GetString("Name"), name, StringComparison.Ordinal))
                {
                    values.Add(e.GetString("Value") ?? string.Empty);
                }
            }, cancellationToken);
        }

        return Sorted(values);
    }

    /// <summary>
    /// Label sets of the series that match all <paramref name="matchers"/> and have samples in
    /// buckets overlapping the range, sorted. An equality matcher on the metric name narrows the
    /// scan to that metric's rows.
    /// </summary>
    public async Task<IReadOnlyList<LabelSet>> SeriesAsync(
        IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        var metric = matchers.FirstOrDefault(m => m.Type == LabelMatchType.Equal && m.Name == LabelValidation.MetricNameLabel && m.Value.Length > 0);
        var prefix = metric is null ? "s-" : "s-" + TableKeys.Text(metric.Value) + "-";
        var found = new HashSet<LabelSet>();
        foreach (var bucket in await BucketsAsync(minTimeMs, maxTimeMs, cancellationToken))
        {
            await ScanAsync(Partition(bucket), prefix, e =>
            {
                var bytes = e.GetBinary("Labels");
                if (bytes is null)
                {
                    return;
                }

                var labels = LabelSetCodec.Decode(bytes);
                if (matchers.All(m => m.Matches(labels)))
                {
                    found.Add(labels);
                }
            }, cancellationToken);
        }

        var result = found.ToList();
        result.Sort(LabelSet.Compare);
        return result;
    }

    /// <summary>
    /// Deletes whole buckets that end at or before <paramref name="beforeTimeMs"/> (retention by
    /// time). Returns the number of buckets removed.
    /// </summary>
    public async Task<int> DeleteBucketsBeforeAsync(long beforeTimeMs, CancellationToken cancellationToken = default)
    {
        var last = TableKeys.Window(beforeTimeMs, BucketMs) - 1;

        var removed = 0;
        foreach (var bucket in await BucketListAsync(long.MinValue, last, cancellationToken))
        {
            var partition = Partition(bucket);
            var keys = new List<string>();
            await ScanAsync(partition, null, e => keys.Add(e.RowKey), cancellationToken);
            for (var i = 0; i < keys.Count; i += MaxBatch)
            {
                var ops = keys.GetRange(i, Math.Min(MaxBatch, keys.Count - i)).Select(k => TableOperation.Delete(partition, k)).ToList();
                try
                {
                    await _table.SubmitBatchAsync(ops, cancellationToken);
                }
                catch (TableBatchFailedException ex) when (ex.InnerException is StorageNotFoundException)
                {
                    // Someone else deleted some of them: delete one by one.
                    foreach (var op in ops)
                    {
                        await _table.DeleteAsync(partition, op.Entity.RowKey, "*", cancellationToken);
                    }
                }
            }

            await _table.DeleteAsync(DirectoryPartition, TableKeys.Sortable(bucket), "*", cancellationToken);
            _knownBuckets.TryRemove(bucket, out _);
            removed++;
        }

        if (removed > 0)
        {
            _written.Clear();
        }

        return removed;
    }

    private bool IsWritten(string partition, string rowKey) => _written.ContainsKey(CacheKey(partition, rowKey));

    private static string CacheKey(string partition, string rowKey) => partition + "|" + rowKey;

    private static string SeriesKey(LabelSet labels) =>
        "s-" + TableKeys.Text(labels.MetricName) + "-" + labels.Id.Value.ToString("x16", CultureInfo.InvariantCulture);

    private static string PairPrefix(string name) => "v-" + TableKeys.Text(name) + "-";

    private static string Partition(long bucket) => "d" + TableKeys.Sortable(bucket);

    private static List<string> Sorted(HashSet<string> set)
    {
        var list = set.ToList();
        list.Sort(Utf8Ordinal.Instance);
        return list;
    }

    private async Task EnsureBucketAsync(long bucket, CancellationToken cancellationToken)
    {
        if (_knownBuckets.ContainsKey(bucket))
        {
            return;
        }

        await _table.UpsertAsync(new TableEntity(DirectoryPartition, TableKeys.Sortable(bucket)), cancellationToken);
        _knownBuckets.TryAdd(bucket, 0);
    }

    private Task<List<long>> BucketsAsync(long minTimeMs, long maxTimeMs, CancellationToken cancellationToken) =>
        minTimeMs > maxTimeMs
            ? Task.FromResult(new List<long>())
            : BucketListAsync(TableKeys.Window(minTimeMs, BucketMs), TableKeys.Window(maxTimeMs, BucketMs), cancellationToken);

    private async Task<List<long>> BucketListAsync(long first, long last, CancellationToken cancellationToken)
    {
        var buckets = new List<long>();
        if (first > last)
        {
            return buckets;
        }

        var to = last == long.MaxValue ? null : TableKeys.Sortable(last + 1);
        await ScanRangeAsync(DirectoryPartition, TableKeys.Sortable(first), to, e => buckets.Add(TableKeys.ParseSortable(e.RowKey)), cancellationToken);
        return buckets;
    }

    private Task ScanAsync(string partition, string? prefix, Action<TableEntity> visit, CancellationToken cancellationToken) =>
        ScanRangeAsync(partition, prefix, prefix is null ? null : TableKeys.PrefixEnd(prefix), visit, cancellationToken);

    private async Task ScanRangeAsync(string partition, string? from, string? to, Action<TableEntity> visit, CancellationToken cancellationToken)
    {
        string? token = null;
        do
        {
            var page = await _table.QueryAsync(partition, from, to, token, 1000, cancellationToken);
            foreach (var e in page.Items)
            {
                visit(e);
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
    }
}
