using System.Text.Json.Nodes;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>The Retention timer: deletes blocks older than <c>Storage:RetentionTime</c> or beyond <c>Storage:RetentionSize</c>.</summary>
internal sealed class RetentionInvocation(StorageEngineAccessor engines)
{
    public const string Name = "Retention";

    public async Task RunAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken)
    {
        var engine = await engines.GetAsync();
        var retention = await engine.ApplyRetentionAsync(cancellationToken);
        result.Log($"deleted {retention.ExpiredBlocks} expired and {retention.OversizeBlocks} oversize blocks, {retention.IndexBuckets} index buckets");
        result.ReturnValue = new JsonObject
        {
            ["ExpiredBlocks"] = retention.ExpiredBlocks,
            ["OversizeBlocks"] = retention.OversizeBlocks,
            ["IndexBuckets"] = retention.IndexBuckets,
        };
    }
}
