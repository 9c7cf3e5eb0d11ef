using System.Collections.Concurrent;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Core.Storage.Catalog;

/// <summary>
/// The block catalog in a table: one row per block, partitioned by the coarse time window
/// (<see cref="WindowMs"/>, a day by default) holding the block's first sample, keyed by block
/// ID. A directory partition lists the windows that ever held a block, so a lookup reads one
/// small directory range and then only the partitions that can overlap. Blocks never span more
/// than <c>maxBlockSpanMs</c> (the largest compaction range), which bounds how far back a
/// lookup looks. State changes are ETag-conditional.
/// </summary>
public sealed class BlockCatalog
{
    private const string DirectoryPartition = "windows";
    private const string WindowPrefix = "w";

    private readonly ITableStore _table;
    private readonly long _lookbackWindows;
    private readonly ConcurrentDictionary<long, byte> _knownWindows = new();

    /// <param name="table">The catalog table.</param>
    /// <param name="windowMs">Partition window; a multiple of the smallest block range.</param>
    /// <param name="maxBlockSpanMs">The longest time a block may span (the largest block range).</param>
    public BlockCatalog(ITableStore table, long windowMs, long maxBlockSpanMs)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentOutOfRangeException.ThrowIfLessThan(windowMs, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBlockSpanMs, 1);
        _table = table;
        WindowMs = windowMs;
        _lookbackWindows = (maxBlockSpanMs + windowMs - 1) / windowMs;
    }

    /// <summary>The partition window in milliseconds.</summary>
    public long WindowMs { get; }

    /// <summary>Creates the table when missing.</summary>
    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => _table.CreateIfNotExistsAsync(cancellationToken);

    /// <summary>The entry of block <paramref name="id"/> whose first sample lies in the window of <paramref name="timeMs"/>, or null.</summary>
    public async Task<CatalogEntry?> GetAsync(string id, long timeMs, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(id);
        var entity = await _table.GetAsync(Partition(TableKeys.Window(timeMs, WindowMs)), id, cancellationToken);
        return entity is null ? null : FromEntity(entity);
    }

    /// <summary>Inserts the entry; returns false when a row with its ID already exists (a replay).</summary>
    public async Task<bool> InsertAsync(CatalogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var window = TableKeys.Window(entry.MinTimeMs, WindowMs);
        await EnsureWindowAsync(window, cancellationToken);
        try
        {
            await _table.InsertAsync(ToEntity(entry, window), cancellationToken);
            return true;
        }
        catch (StorageConflictException)
        {
            return false;
        }
    }

    /// <summary>
    /// Entries of blocks that overlap [<paramref name="minTimeMs"/>, <paramref name="maxTimeMs"/>],
    /// active only unless <paramref name="includeRetired"/>, ordered by (min time, ID).
    /// </summary>
    public async Task<IReadOnlyList<CatalogEntry>> ListAsync(
        long minTimeMs, long maxTimeMs, bool includeRetired = false, CancellationToken cancellationToken = default)
    {
        var result = new List<CatalogEntry>();
        if (minTimeMs > maxTimeMs)
        {
            return result;
        }

        var first = TableKeys.Window(minTimeMs, WindowMs);
        first = first > long.MinValue + _lookbackWindows ? first - _lookbackWindows : long.MinValue;
        var last = TableKeys.Window(maxTimeMs, WindowMs);
        foreach (var window in await WindowsAsync(first, last, cancellationToken))
        {
            string? token = null;
            do
            {
                var page = await _table.QueryAsync(Partition(window), null, null, token, 1000, cancellationToken);
                foreach (var entity in page.Items)
                {
                    var entry = FromEntity(entity);
                    if ((includeRetired || entry.State == BlockState.Active) && entry.Overlaps(minTimeMs, maxTimeMs))
                    {
                        result.Add(entry);
                    }
                }

                token = page.ContinuationToken;
            }
            while (token is not null);
        }

        result.Sort(static (a, b) => a.MinTimeMs != b.MinTimeMs ? a.MinTimeMs.CompareTo(b.MinTimeMs) : string.CompareOrdinal(a.Id, b.Id));
        return result;
    }

    /// <summary>
    /// Marks the block retired if its row still has the ETag it was read with (re-reading and
    /// retrying when only someone else's unrelated change got in between). Returns false when
    /// the row is gone or already retired.
    /// </summary>
    public Task<bool> RetireAsync(CatalogEntry entry, CancellationToken cancellationToken = default) =>
        ChangeAsync(entry, e => e.State == BlockState.Retired ? null : e with { State = BlockState.Retired }, cancellationToken);

    /// <summary>Records on a retired block's row that its blob is gone.</summary>
    public Task<bool> MarkBlobDeletedAsync(CatalogEntry entry, CancellationToken cancellationToken = default) =>
        ChangeAsync(entry, e => e.BlobDeleted ? null : e with { State = BlockState.Retired, BlobDeleted = true }, cancellationToken);

    /// <summary>Deletes the block's row (whatever its ETag); false when it was already gone.</summary>
    public Task<bool> DeleteAsync(CatalogEntry entry, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _table.DeleteAsync(Partition(TableKeys.Window(entry.MinTimeMs, WindowMs)), entry.Id, "*", cancellationToken);
    }

    /// <summary>Forgets directory rows of windows that end at or before <paramref name="beforeTimeMs"/> and hold no rows any more.</summary>
    public async Task PruneWindowsAsync(long beforeTimeMs, CancellationToken cancellationToken = default)
    {
        var last = TableKeys.Window(beforeTimeMs, WindowMs) - 1;
        foreach (var window in await WindowsAsync(long.MinValue, last, cancellationToken))
        {
            var page = await _table.QueryAsync(Partition(window), null, null, null, 1, cancellationToken);
            if (page.Items.Count == 0 && page.ContinuationToken is null)
            {
                await _table.DeleteAsync(DirectoryPartition, TableKeys.Sortable(window), "*", cancellationToken);
                _knownWindows.TryRemove(window, out _);
            }
        }
    }

    private async Task<bool> ChangeAsync(CatalogEntry entry, Func<CatalogEntry, CatalogEntry?> change, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var window = TableKeys.Window(entry.MinTimeMs, WindowMs);
        var current = entry;
        for (var attempt = 0; attempt < 8; attempt++)
        {
            if (current.ETag is null)
            {
                current = await GetAsync(entry.Id, entry.MinTimeMs, cancellationToken);
                if (current is null)
                {
                    return false;
                }
            }

            var changed = change(current);
            if (changed is null)
            {
                return false;
            }

            try
            {
                await _table.UpdateAsync(ToEntity(changed, window), current.ETag!, cancellationToken);
                return true;
            }
            catch (StoragePreconditionFailedException)
            {
                current = current with { ETag = null };
            }
            catch (StorageNotFoundException)
            {
                return false;
            }
        }

        throw new InvalidOperationException($"block {entry.Id}: the catalog row kept changing under a state change");
    }

    private async Task EnsureWindowAsync(long window, CancellationToken cancellationToken)
    {
        if (_knownWindows.ContainsKey(window))
        {
            return;
        }

        await _table.UpsertAsync(new TableEntity(DirectoryPartition, TableKeys.Sortable(window)), cancellationToken);
        _knownWindows.TryAdd(window, 0);
    }

    private async Task<List<long>> WindowsAsync(long first, long last, CancellationToken cancellationToken)
    {
        var windows = new List<long>();
        if (first > last)
        {
            return windows;
        }

        var to = last == long.MaxValue ? null : TableKeys.Sortable(last + 1);
        string? token = null;
        do
        {
            var page = await _table.QueryAsync(DirectoryPartition, TableKeys.Sortable(first), to, token, 1000, cancellationToken);
            windows.AddRange(page.Items.Select(e => TableKeys.ParseSortable(e.RowKey)));
            token = page.ContinuationToken;
        }
        while (token is not null);
        return windows;
    }

    private static string Partition(long window) => WindowPrefix + TableKeys.Sortable(window);

    private static TableEntity ToEntity(CatalogEntry e, long window)
    {
        var entity = new TableEntity(Partition(window), e.Id)
        {
            ["Blob"] = e.BlobName,
            ["MinT"] = e.MinTimeMs,
            ["MaxT"] = e.MaxTimeMs,
            ["Shard"] = e.Shard,
            ["Series"] = e.NumSeries,
            ["Samples"] = e.NumSamples,
            ["Chunks"] = e.NumChunks,
            ["Level"] = e.Level,
            ["State"] = e.State.ToString(),
            ["Sources"] = string.Join(',', e.Sources),
            ["Size"] = e.SizeBytes,
            ["BlobDeleted"] = e.BlobDeleted,
        };
        return entity;
    }

    private static CatalogEntry FromEntity(TableEntity e)
    {
        var sources = e.GetString("Sources");
        return new CatalogEntry(
            e.RowKey,
            e.GetString("Blob") ?? string.Empty,
            e.GetInt64("MinT") ?? 0,
            e.GetInt64("MaxT") ?? 0,
            e.GetString("Shard") ?? string.Empty,
            e.GetInt64("Series") ?? 0,
            e.GetInt64("Samples") ?? 0,
            e.GetInt64("Chunks") ?? 0,
            (int)(e.GetInt64("Level") ?? 0),
            Enum.TryParse<BlockState>(e.GetString("State"), out var state) ? state : BlockState.Active,
            string.IsNullOrEmpty(sources) ? [] : sources.Split(','),
            e.GetInt64("Size") ?? 0)
        {
            BlobDeleted = e.GetBoolean("BlobDeleted") ?? false,
            ETag = e.ETag,
        };
    }
}
