using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Serverless.Monitoring.Functions.Durable;

namespace Serverless.Monitoring.Tests.Durable;

/// <summary>
/// The Event Hubs ingestion orchestration under the real Durable Task engine (in process): fan-out
/// per partition, the durable timer that ends a round, continue-as-new, the Stop event, and a
/// failing partition that does not stop the others. The activities here stand in for the real ones
/// to count and fail on purpose; <see cref="EventHubsIngestionActivityTests"/> runs the real ones.
/// </summary>
public sealed class EventHubsIngestionOrchestrationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Rounds_fan_out_per_partition_continue_after_the_timer_and_end_on_the_Stop_event()
    {
        var calls = new ConcurrentDictionary<string, int>(StringComparer.Ordinal);
        var secondRound = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var host = await DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<IngestionRounds?, IngestionRounds>(EventHubsIngestionOrchestration.Name, (context, totals) => EventHubsIngestionOrchestration.RunAsync(context, totals));
            registry.AddActivityFunc<object?, string[]>(EventHubsIngestionOrchestration.ListPartitions, (_, _) => ["0", "1", "2"]);
            registry.AddActivityFunc<string, PartitionIngestSummary>(EventHubsIngestionOrchestration.IngestPartition, (_, partition) =>
            {
                var call = calls.AddOrUpdate(partition, 1, (_, n) => n + 1);
                if (partition == "1" && call == 1)
                {
                    throw new InvalidOperationException("storage is down");
                }

                if (calls.Values.Sum() >= 6)
                {
                    secondRound.TrySetResult();
                }

                return new PartitionIngestSummary(partition, Events: 10, Samples: 100, CaughtUp: true);
            });
        });

        Assert.True(await EventHubsIngestionOrchestration.EnsureRunningAsync(host.Client, CancellationToken.None));
        Assert.False(await EventHubsIngestionOrchestration.EnsureRunningAsync(host.Client, CancellationToken.None), "a running instance is not started twice");

        // The second round only starts once the first round's durable timer fired and the instance continued as new.
        if (await Task.WhenAny(secondRound.Task, Task.Delay(Timeout)) != secondRound.Task)
        {
            var state = await host.Client.GetInstanceAsync(EventHubsIngestionOrchestration.InstanceId, getInputsAndOutputs: true);
            Assert.Fail($"no second round; calls {string.Join(",", calls)}; instance {state?.RuntimeStatus} {state?.FailureDetails?.ErrorType} {state?.FailureDetails?.ErrorMessage} {state?.FailureDetails?.StackTrace} in {state?.SerializedInput}");
        }
        await host.Client.RaiseEventAsync(EventHubsIngestionOrchestration.InstanceId, EventHubsIngestionOrchestration.StopEvent, eventPayload: null);
        using var cancel = new CancellationTokenSource(Timeout);
        var done = await host.Client.WaitForInstanceCompletionAsync(EventHubsIngestionOrchestration.InstanceId, getInputsAndOutputs: true, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var rounds = done.ReadOutputAs<IngestionRounds>()!;
        Assert.True(rounds.Stopped);
        Assert.True(rounds.Rounds >= 2, $"rounds: {rounds}");
        Assert.Equal(1, rounds.FailedPartitionRuns);
        Assert.Equal(["0", "1", "2"], calls.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(10 * (calls.Values.Sum() - 1), rounds.Events);

        // Stopped, the instance is started again by the next timer tick.
        Assert.True(await EventHubsIngestionOrchestration.EnsureRunningAsync(host.Client, CancellationToken.None));
    }
}
