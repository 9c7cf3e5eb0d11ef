namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>
/// The reading side of an event hub, one consumer group: what <see cref="EventHubsPartitionIngest"/>
/// needs and nothing more, so the ingest logic runs without the SDK (tests use an in-memory source).
/// Implementations retry transient failures themselves (the SDK's retry options) and throw once
/// those are spent; they never checkpoint.
/// </summary>
public interface IEventPartitionSource
{
    /// <summary>The namespace's host name (e.g. <c>ns.servicebus.windows.net</c>), for error messages.</summary>
    string FullyQualifiedNamespace { get; }

    string EventHubName { get; }

    string ConsumerGroup { get; }

    Task<IReadOnlyList<string>> GetPartitionIdsAsync(CancellationToken cancellationToken);

    /// <summary>The range of sequence numbers the partition holds now.</summary>
    Task<EventPartitionState> GetPartitionStateAsync(string partitionId, CancellationToken cancellationToken);

    /// <summary>
    /// Up to <paramref name="maxEvents"/> events of the partition, in sequence order, starting right
    /// after <paramref name="afterSequenceNumber"/> (exclusive), or at the earliest retained event when
    /// it is null. Returns what is available as soon as any is, waiting at most <paramref name="maxWait"/>
    /// for the first; empty when none came in that time.
    /// </summary>
    Task<IReadOnlyList<ReceivedEvent>> ReadAsync(string partitionId, long? afterSequenceNumber, int maxEvents, TimeSpan maxWait, CancellationToken cancellationToken);
}
