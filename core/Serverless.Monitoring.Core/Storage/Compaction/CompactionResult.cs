namespace Serverless.Monitoring.Core.Storage.Compaction;

/// <summary>What one compaction run did.</summary>
/// <param name="MergedBlocks">Merged blocks added to the catalog by this run.</param>
/// <param name="RetiredBlocks">Source blocks marked retired (including ones an earlier, interrupted run merged).</param>
/// <param name="DeletedBlobs">Blobs of retired blocks deleted.</param>
/// <param name="Warnings">Windows left alone, with the reason (e.g. a corrupt source block).</param>
public sealed record CompactionResult(int MergedBlocks, int RetiredBlocks, int DeletedBlobs, IReadOnlyList<string> Warnings);
