namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>One event read from a partition: its position, its body (a bus message) and when the hub accepted it.</summary>
public sealed record ReceivedEvent(string PartitionId, long SequenceNumber, ReadOnlyMemory<byte> Body, DateTimeOffset EnqueuedTime);
