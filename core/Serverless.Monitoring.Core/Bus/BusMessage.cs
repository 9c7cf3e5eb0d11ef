using System.Globalization;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// A message received from the sample bus. <see cref="Id"/> must be stable across redeliveries
/// of the same message and unique across all messages ever sent on the bus (build it with
/// <see cref="StorageQueueId"/>, <see cref="EventHubsId"/>, or the in-process transport's own),
/// because ingest derives its idempotency key from it.
/// </summary>
public sealed record BusMessage(string Id, ReadOnlyMemory<byte> Body)
{
    /// <summary>The ID of a Storage Queue message (the service's message ID, which survives redelivery).</summary>
    public static string StorageQueueId(string queueName, string messageId) => $"queue:{queueName}:{messageId}";

    /// <summary>The ID of an Event Hubs event: its partition and sequence number.</summary>
    public static string EventHubsId(string eventHub, string partitionId, long sequenceNumber) =>
        string.Create(CultureInfo.InvariantCulture, $"eventhub:{eventHub}:{partitionId}:{sequenceNumber}");
}
