using System.Globalization;
using Serverless.Monitoring.Core.Jobs;

namespace Serverless.Monitoring.Core.Storage.Retention;

/// <summary>
/// Deletes blocks older than the retention time or beyond the retention size, and the label-index
/// buckets they leave empty; hourly, from the Retention timer or the embedded maintenance loop.
/// </summary>
public sealed class RetentionJob(Func<Task<StorageEngine>> engine) : IJob<DateTimeOffset, RetentionResult>
{
    public const string JobName = "Retention";

    /// <summary>How often the hosts run it.</summary>
    public static readonly TimeSpan Period = TimeSpan.FromHours(1);

    public string Name => JobName;

    public RetryPolicy Retry => RetryPolicy.None;

    public async Task<RetentionResult> RunAsync(DateTimeOffset input, CancellationToken cancellationToken)
    {
        var storage = await engine().ConfigureAwait(false);
        return await storage.ApplyRetentionAsync(cancellationToken).ConfigureAwait(false);
    }

    public string Describe(RetentionResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture,
            $"deleted {result.ExpiredBlocks} expired and {result.OversizeBlocks} oversize blocks, {result.IndexBuckets} index buckets");
    }
}
