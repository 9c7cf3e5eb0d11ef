using Serverless.Monitoring.Core.Storage.Ingest;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>What <see cref="IngestProcessor.ProcessAsync"/> did with a batch of bus messages.</summary>
/// <param name="BatchId">The ingest batch ID derived from the decoded messages' IDs; null when none decoded.</param>
/// <param name="Stored">The storage engine's result; null when there was nothing to store.</param>
/// <param name="Ingested">IDs of the messages whose samples were stored (acknowledge these).</param>
/// <param name="Undecodable">Messages that failed to decode, with the reason (retrying will not help: park them).</param>
/// <param name="RejectedSeries">Series left out by the decoder for invalid labels.</param>
public sealed record IngestOutcome(
    string? BatchId,
    IngestResult? Stored,
    IReadOnlyList<string> Ingested,
    IReadOnlyList<UndecodableMessage> Undecodable,
    IReadOnlyList<RejectedSeries> RejectedSeries);

/// <summary>A bus message whose body is not a valid remote-write message.</summary>
public sealed record UndecodableMessage(BusMessage Message, string Reason);
