using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage.Catalog;
using Serverless.Monitoring.Core.Storage.Index;

namespace Serverless.Monitoring.Core.Storage.Retention;

/// <summary>
/// Deletes whole blocks: those whose last sample is older than the retention time, then the
/// oldest active ones while the active blocks add up to more than the size limit. Each block
/// goes in three steps: its row is marked retired (queries stop reading it), its blob is
/// deleted, its row is deleted; a rerun finishes an interrupted deletion (retired rows past the
/// cutoff). Tombstones of compacted blocks go with their time range.
/// Label index buckets that end before the time cutoff are deleted whole. Index rows of blocks
/// removed for size stay until their bucket expires by time: until then label and series
/// lookups may still name series whose samples are gone (Select never returns them).
/// </summary>
public sealed class RetentionEnforcer
{
    private readonly IBlobStore _blobs;
    private readonly BlockCatalog _catalog;
    private readonly LabelIndex _index;
    private readonly StorageEngineOptions _options;
    private readonly TimeProvider _time;

    public RetentionEnforcer(IBlobStore blobs, BlockCatalog catalog, LabelIndex index, StorageEngineOptions options, TimeProvider? time = null)
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
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Applies retention by time and by size.</summary>
    public async Task<RetentionResult> RunAsync(CancellationToken cancellationToken = default)
    {
        var all = await _catalog.ListAsync(long.MinValue, long.MaxValue, includeRetired: true, cancellationToken);
        var expired = 0;
        var buckets = 0;
        if (_options.RetentionTime > TimeSpan.Zero)
        {
            var cutoff = _time.GetUtcNow().ToUnixTimeMilliseconds() - (long)_options.RetentionTime.TotalMilliseconds;
            foreach (var entry in all.Where(e => e.MaxTimeMs < cutoff))
            {
                if (entry.State == BlockState.Active)
                {
                    expired++;
                }

                await DeleteBlockAsync(entry, cancellationToken);
            }

            buckets = await _index.DeleteBucketsBeforeAsync(cutoff, cancellationToken);
            await _catalog.PruneWindowsAsync(cutoff, cancellationToken);
            all = all.Where(e => e.MaxTimeMs >= cutoff).ToList();
        }

        var oversize = 0;
        if (_options.RetentionSizeBytes > 0)
        {
            var active = all.Where(e => e.State == BlockState.Active).OrderBy(e => e.MaxTimeMs).ThenBy(e => e.Id, StringComparer.Ordinal).ToList();
            var total = active.Sum(e => e.SizeBytes);
            foreach (var entry in active)
            {
                if (total <= _options.RetentionSizeBytes)
                {
                    break;
                }

                await DeleteBlockAsync(entry, cancellationToken);
                total -= entry.SizeBytes;
                oversize++;
            }
        }

        return new RetentionResult(expired, oversize, buckets);
    }

    private async Task DeleteBlockAsync(CatalogEntry entry, CancellationToken cancellationToken)
    {
        if (entry.State == BlockState.Active)
        {
            await _catalog.RetireAsync(entry, cancellationToken);
        }

        if (!entry.BlobDeleted)
        {
            await _blobs.DeleteAsync(entry.BlobName, default, cancellationToken);
        }

        await _catalog.DeleteAsync(entry, cancellationToken);
    }
}
