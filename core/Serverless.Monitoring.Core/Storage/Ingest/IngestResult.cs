using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Storage.Ingest;

/// <summary>What one ingest call stored.</summary>
/// <param name="Series">Series with samples in the batch (after merging repeated label sets).</param>
/// <param name="Samples">Samples after sorting and removing duplicates.</param>
/// <param name="Blocks">Level-0 blocks this call added to the catalog.</param>
/// <param name="ReplayedBlocks">Blocks of the batch already in the catalog (a replay; nothing added).</param>
/// <param name="Rejected">Series left out, each with Prometheus's reason.</param>
public sealed record IngestResult(int Series, long Samples, int Blocks, int ReplayedBlocks, IReadOnlyList<RejectedSeries> Rejected);

/// <summary>A series that ingest refused, and why.</summary>
public sealed record RejectedSeries(LabelSet? Labels, string Reason);
