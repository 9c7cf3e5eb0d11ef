namespace Serverless.Monitoring.Core.Storage.Retention;

/// <summary>What one retention run deleted.</summary>
/// <param name="ExpiredBlocks">Blocks deleted because they were older than the retention time.</param>
/// <param name="OversizeBlocks">Blocks deleted to get under the size limit.</param>
/// <param name="IndexBuckets">Label index buckets deleted.</param>
public sealed record RetentionResult(int ExpiredBlocks, int OversizeBlocks, int IndexBuckets);
