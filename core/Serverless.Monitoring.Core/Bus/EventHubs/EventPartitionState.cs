namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>
/// The sequence numbers a partition holds: from <paramref name="BeginningSequenceNumber"/> (older
/// events expired) to <paramref name="LastEnqueuedSequenceNumber"/>. Sequence numbers of one
/// partition are consecutive and never reused while the hub exists.
/// </summary>
/// <param name="IsEmpty">No event is retained (never sent, or all expired).</param>
public sealed record EventPartitionState(long BeginningSequenceNumber, long LastEnqueuedSequenceNumber, bool IsEmpty)
{
    /// <summary>
    /// Events after <paramref name="checkpoint"/> still to read: the last enqueued sequence number
    /// minus the checkpoint, counting only events still retained (expired ones cannot be read).
    /// </summary>
    public long LagAfter(long? checkpoint)
    {
        if (IsEmpty)
        {
            return 0;
        }

        var readThrough = Math.Max(checkpoint ?? long.MinValue, BeginningSequenceNumber - 1);
        return Math.Max(0, LastEnqueuedSequenceNumber - readThrough);
    }
}
