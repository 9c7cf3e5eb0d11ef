namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>
/// Where the consumer group stands in one partition, as <see cref="EventHubsCheckpointStore"/> keeps it.
/// </summary>
/// <param name="SequenceNumber">The last event whose batch is stored; null when nothing was stored yet.</param>
/// <param name="PendingThrough">
/// Set while a batch (<paramref name="SequenceNumber"/>, PendingThrough] is being stored: a run that
/// finds it set stores exactly that range again, so the replay has the same message IDs, hence the same
/// batch ID, and stores nothing twice. Null when no batch is in flight.
/// </param>
/// <param name="EnqueuedTime">When the event at <paramref name="SequenceNumber"/> was enqueued.</param>
/// <param name="ETag">The entity's ETag when read or written; null when there is no entity yet.</param>
internal sealed record PartitionCheckpoint(string PartitionId, long? SequenceNumber, long? PendingThrough, DateTimeOffset? EnqueuedTime, string? ETag);
