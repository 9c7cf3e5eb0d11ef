using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Monitoring.Functions.Durable;

/// <summary>
/// Event Hubs ingestion as an eternal orchestration (one instance, <see cref="InstanceId"/>): each
/// round lists the hub's partitions and fans out one <see cref="IngestPartition"/> activity per
/// partition (each reads from its checkpoint, stores, then advances it), waits (a short pause while
/// partitions have a backlog, <see cref="IdlePoll"/> once all caught up) for a durable timer or a
/// <see cref="StopEvent"/>, and continues as new. Deterministic sequencing only: what is read,
/// stored and checkpointed is decided in the activity, by core's partition ingest.
/// </summary>
internal static class EventHubsIngestionOrchestration
{
    public const string Name = "IngestEventHubs";
    public const string ListPartitions = "ListEventHubsPartitions";
    public const string IngestPartition = "IngestEventHubsPartition";

    /// <summary>The one instance; a fixed ID makes starting it idempotent.</summary>
    public const string InstanceId = "ingest-eventhubs";

    /// <summary>Raised (any payload) to end the loop after the current round, e.g. before a redeploy.</summary>
    public const string StopEvent = "Stop";

    /// <summary>The pause between rounds while some partition had more to read.</summary>
    public static readonly TimeSpan BusyPause = TimeSpan.FromSeconds(1);

    /// <summary>The pause between rounds once every partition was caught up.</summary>
    public static readonly TimeSpan IdlePoll = TimeSpan.FromSeconds(5);

    /// <param name="context">The orchestration's context.</param>
    /// <param name="totals">The totals so far (the instance's input; null on the first round).</param>
    public static async Task<IngestionRounds> RunAsync(TaskOrchestrationContext context, IngestionRounds? totals)
    {
        ArgumentNullException.ThrowIfNull(context);
        var state = totals ?? new IngestionRounds(0, 0, 0, 0, Stopped: false);
        var partitions = await context.CallActivityAsync<string[]>(ListPartitions);
        var results = await Task.WhenAll(partitions.Select(partition => IngestAsync(context, partition)));
        state = state with
        {
            Rounds = state.Rounds + 1,
            Events = state.Events + results.Sum(r => r.Events),
            Samples = state.Samples + results.Sum(r => r.Samples),
            FailedPartitionRuns = state.FailedPartitionRuns + results.Count(r => r.Failed),
        };

        var pause = results.All(r => r.CaughtUp) ? IdlePoll : BusyPause;
        using var losing = new CancellationTokenSource();
        var timer = context.CreateTimer(context.CurrentUtcDateTime + pause, losing.Token);
        var stop = context.WaitForExternalEvent<object?>(StopEvent, losing.Token);
        var winner = await Task.WhenAny(timer, stop);

        // Cancel the losing wait, or the instance never completes (a pending timer keeps it alive).
        // Synchronously: an orchestrator must not await anything but durable tasks.
        losing.Cancel();
        if (winner == stop)
        {
            return state with { Stopped = true };
        }

        context.ContinueAsNew(state);
        return state;
    }

    /// <summary>
    /// One partition's activity. A failure (storage down after the job's retries) is the
    /// partition's alone: its checkpoint did not move, so the next round reads the same events.
    /// </summary>
    private static async Task<PartitionIngestSummary> IngestAsync(TaskOrchestrationContext context, string partition)
    {
        try
        {
            return await context.CallActivityAsync<PartitionIngestSummary>(IngestPartition, partition);
        }
        catch (TaskFailedException)
        {
            return new PartitionIngestSummary(partition, 0, 0, CaughtUp: false, Failed: true);
        }
    }

    /// <summary>Starts the instance unless it is running (from a timer, so a failed or stopped loop comes back).</summary>
    public static async Task<bool> EnsureRunningAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var existing = await client.GetInstanceAsync(InstanceId, cancellationToken);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(Name, new StartOrchestrationOptions(InstanceId), cancellationToken);
        return true;
    }
}

/// <summary>What one partition's activity did: events read and samples stored, whether it read up to the end.</summary>
internal sealed record PartitionIngestSummary(string PartitionId, long Events, long Samples, bool CaughtUp, bool Failed = false);

/// <summary>The orchestration's running totals, carried from round to round (small: it is the instance's input).</summary>
internal sealed record IngestionRounds(long Rounds, long Events, long Samples, long FailedPartitionRuns, bool Stopped);
