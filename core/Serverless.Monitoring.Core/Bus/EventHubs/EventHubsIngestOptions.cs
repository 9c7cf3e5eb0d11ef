namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>How much one <see cref="EventHubsPartitionIngest.RunAsync"/> reads, so one invocation stays short.</summary>
public sealed record EventHubsIngestOptions
{
    /// <summary>Events per read, hence per stored batch (the Event Hubs trigger's default batch size).</summary>
    public int MaxEventsPerRead { get; init; } = 100;

    /// <summary>Events one run reads at most; the next run goes on from the checkpoint.</summary>
    public int MaxEventsPerRun { get; init; } = 5_000;

    /// <summary>No new read starts after this much time in one run.</summary>
    public TimeSpan MaxRunTime { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How long one read waits for its first event.</summary>
    public TimeSpan ReadWait { get; init; } = TimeSpan.FromSeconds(5);

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventsPerRead, 1, nameof(MaxEventsPerRead));
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxEventsPerRun, 1, nameof(MaxEventsPerRun));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(MaxRunTime, TimeSpan.Zero, nameof(MaxRunTime));
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(ReadWait, TimeSpan.Zero, nameof(ReadWait));
    }
}
