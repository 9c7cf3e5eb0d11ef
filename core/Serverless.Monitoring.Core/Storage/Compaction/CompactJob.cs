using System.Globalization;
using Serverless.Monitoring.Core.Jobs;

namespace Serverless.Monitoring.Core.Storage.Compaction;

/// <summary>
/// Merges level-0 blocks (each ingest batch makes one) into larger ones; every minute, from the
/// Compact timer or the embedded maintenance loop. Not retried: the next tick compacts what is left.
/// </summary>
public sealed class CompactJob(Func<Task<StorageEngine>> engine) : IJob<DateTimeOffset, CompactionResult>
{
    public const string JobName = "Compact";

    /// <summary>How often the hosts run it.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromMinutes(1);

    public string Name => JobName;

    public RetryPolicy Retry => RetryPolicy.None;

    public async Task<CompactionResult> RunAsync(DateTimeOffset input, CancellationToken cancellationToken)
    {
        var storage = await engine().ConfigureAwait(false);
        return await storage.CompactAsync(cancellationToken).ConfigureAwait(false);
    }

    public string Describe(CompactionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture,
            $"merged {result.MergedBlocks} blocks, retired {result.RetiredBlocks}, deleted {result.DeletedBlobs} blobs");
    }

    public IEnumerable<string> Warnings(CompactionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return result.Warnings;
    }
}
