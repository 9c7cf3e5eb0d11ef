using System.Text.Json.Nodes;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>The Compact timer: merges level-0 blocks (each ingest batch makes one) into larger ones.</summary>
internal sealed class CompactInvocation(StorageEngineAccessor engines)
{
    public const string Name = "Compact";

    public async Task RunAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken)
    {
        var engine = await engines.GetAsync();
        var compaction = await engine.CompactAsync(cancellationToken);
        foreach (var warning in compaction.Warnings)
        {
            result.Warn(warning);
        }

        result.Log($"merged {compaction.MergedBlocks} blocks, retired {compaction.RetiredBlocks}, deleted {compaction.DeletedBlobs} blobs");
        result.ReturnValue = new JsonObject
        {
            ["MergedBlocks"] = compaction.MergedBlocks,
            ["RetiredBlocks"] = compaction.RetiredBlocks,
            ["DeletedBlobs"] = compaction.DeletedBlobs,
            ["Warnings"] = compaction.Warnings.Count,
        };
    }
}
