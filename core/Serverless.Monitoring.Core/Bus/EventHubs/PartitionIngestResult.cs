namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>What one <see cref="EventHubsPartitionIngest.RunAsync"/> did (small and serializable: an activity's output).</summary>
/// <param name="PartitionId">The partition.</param>
/// <param name="EventsRead">Events read, including a batch replayed after an interrupted run.</param>
/// <param name="EventsStored">Events whose samples were stored.</param>
/// <param name="EventsUndecodable">Events that were not remote-write messages: left out, and checkpointed past.</param>
/// <param name="Samples">Samples in the stored batches (a replayed batch counts, though it adds nothing).</param>
/// <param name="Batches">Batches stored.</param>
/// <param name="Checkpoint">The last checkpointed sequence number after the run; null when nothing was ever stored.</param>
/// <param name="Lag">Events enqueued after <paramref name="Checkpoint"/> when the run ended.</param>
/// <param name="CheckpointRaceLost">
/// Another instance moved this partition's checkpoint during the run, so this run stopped reading it.
/// </param>
public sealed record PartitionIngestResult(
    string PartitionId,
    int EventsRead,
    int EventsStored,
    int EventsUndecodable,
    long Samples,
    int Batches,
    long? Checkpoint,
    long Lag,
    bool CheckpointRaceLost)
{
    /// <summary>Nothing was left to read when the run ended.</summary>
    public bool CaughtUp => Lag == 0;
}
