using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Escalation;
using Serverless.Monitoring.Functions.Durable;

namespace Serverless.Monitoring.Tests.Durable;

/// <summary>
/// The escalation orchestration under the real Durable Task engine, with core's stepper as its
/// activity and a notifier that records what each level sent: the levels climbed on their timers,
/// repeat, an acknowledgement before the next level, its expiry resuming the climb, and resolve
/// ending the instance. Levels are seconds apart; the assertions are on order and on the earliest
/// instant each level may come (its timer), never on how fast.
/// </summary>
public sealed class EscalationOrchestrationTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    // Levels at 0, 2 s and 3 s; a run lasts 4 s; one repeat; an acknowledgement holds 3 s.
    private static readonly EscalationChain Policy = new(new EscalationPolicy
    {
        Name = "db-oncall",
        Levels =
        [
            new EscalationLevel { Receivers = ["slack-db"] },
            new EscalationLevel { After = TimeSpan.FromSeconds(2), Receivers = ["pagerduty-primary"] },
            new EscalationLevel { After = TimeSpan.FromSeconds(3), Receivers = ["pagerduty-secondary"] },
        ],
        Repeat = 1,
        AckTimeout = TimeSpan.FromSeconds(3),
    });

    private readonly RecordingNotifier _notifier = new();

    [Fact]
    public async Task Unacknowledged_it_climbs_every_level_of_every_run_then_resolve_ends_it()
    {
        await using var engine = await StartEngineAsync();
        var state = await StartAsync(engine, "g-timeout");

        await _notifier.WaitForAsync(6);
        Assert.Equal(["0.0 slack-db", "0.1 pagerduty-primary", "0.2 pagerduty-secondary", "1.0 slack-db", "1.1 pagerduty-primary", "1.2 pagerduty-secondary"], _notifier.Sent);
        AssertNotBefore(state.StartedAt, [0, 2, 3, 4, 6, 7]);

        // Exhausted: it waits for an acknowledgement or the resolve.
        var running = await engine.Client.GetInstanceAsync(EscalationOrchestration.InstanceId(state.Id), getInputsAndOutputs: true);
        Assert.Equal(OrchestrationRuntimeStatus.Running, running!.RuntimeStatus);
        Assert.Equal(EscalationStatus.Exhausted, running.ReadCustomStatusAs<EscalationState>()!.Status);

        var ended = await ResolveAsync(engine, state);
        Assert.Equal(EscalationStatus.Resolved, ended.Status);
        Assert.Equal(6, _notifier.Sent.Count);
    }

    [Fact]
    public async Task An_acknowledgement_stops_the_climb_until_it_expires()
    {
        await using var engine = await StartEngineAsync();
        var state = await StartAsync(engine, "g-ack");
        await _notifier.WaitForAsync(1);

        var ackedAt = DateTimeOffset.UtcNow;
        await engine.Client.RaiseEventAsync(EscalationOrchestration.InstanceId(state.Id), EscalationOrchestration.SignalEvent, EscalationSignal.Ack("ann", "looking"));

        // The ack expires 3 s later: the first level is told again, the second 2 s after that.
        await _notifier.WaitForAsync(3);
        Assert.Equal(["0.0 slack-db", "0.0 slack-db", "0.1 pagerduty-primary"], _notifier.Sent);
        Assert.True(_notifier.At[1] >= ackedAt + TimeSpan.FromSeconds(3) - Tolerance, $"resumed at {_notifier.At[1]:O}, acknowledged at {ackedAt:O}");
        Assert.True(_notifier.At[2] >= _notifier.At[1] + TimeSpan.FromSeconds(2) - Tolerance);

        var ended = await ResolveAsync(engine, state);
        Assert.Equal(EscalationStatus.Resolved, ended.Status);
        Assert.Null(ended.NextDue);
    }

    [Fact]
    public async Task Resolving_before_the_next_level_ends_it_at_once()
    {
        await using var engine = await StartEngineAsync();
        var state = await StartAsync(engine, "g-resolve");
        await _notifier.WaitForAsync(1);

        var ended = await ResolveAsync(engine, state);
        Assert.Equal(EscalationStatus.Resolved, ended.Status);
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(["0.0 slack-db"], _notifier.Sent);
    }

    // The engine's timers fire on the wall clock, which may read a little early against ours.
    private static readonly TimeSpan Tolerance = TimeSpan.FromMilliseconds(50);

    private void AssertNotBefore(DateTimeOffset start, int[] seconds)
    {
        for (var i = 0; i < seconds.Length; i++)
        {
            Assert.True(_notifier.At[i] >= start + TimeSpan.FromSeconds(seconds[i]) - Tolerance, $"step {i} at {_notifier.At[i]:O}, started {start:O}");
        }
    }

    private Task<DurableTaskTestHost> StartEngineAsync()
    {
        var stepper = new EscalationStepper(name => name == Policy.Name ? Policy : null, _notifier, NullLogger<EscalationStepper>.Instance);
        return DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<EscalationState, EscalationState>(EscalationOrchestration.Name, (context, state) => EscalationOrchestration.RunAsync(context, state));
            registry.AddActivityFunc<EscalationStepInput, EscalationState>(EscalationOrchestration.StepActivity, (_, input) => stepper.StepAsync(input.State, input.Signal, input.Now, CancellationToken.None));
        });
    }

    private static async Task<EscalationState> StartAsync(DurableTaskTestHost engine, string group)
    {
        var state = EscalationMachine.Start(Policy, $"{{}}:{{alertname=\"{group}\"}}", "slack-db", [1, 2], DateTimeOffset.UtcNow);
        Assert.True(await EscalationOrchestration.EnsureRunningAsync(engine.Client, state, CancellationToken.None));
        Assert.False(await EscalationOrchestration.EnsureRunningAsync(engine.Client, state, CancellationToken.None));
        return state;
    }

    private static async Task<EscalationState> ResolveAsync(DurableTaskTestHost engine, EscalationState state)
    {
        var id = EscalationOrchestration.InstanceId(state.Id);
        await engine.Client.RaiseEventAsync(id, EscalationOrchestration.SignalEvent, EscalationSignal.Alerts([]));
        using var cancel = new CancellationTokenSource(Timeout);
        var ended = await engine.Client.WaitForInstanceCompletionAsync(id, getInputsAndOutputs: true, cancel.Token);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, ended.RuntimeStatus);
        return ended.ReadOutputAs<EscalationState>()!;
    }

    private sealed class RecordingNotifier : IEscalationNotifier
    {
        private readonly ConcurrentQueue<(string Sent, DateTimeOffset At)> _sent = new();

        public List<string> Sent => [.. _sent.Select(s => s.Sent)];

        public List<DateTimeOffset> At => [.. _sent.Select(s => s.At)];

        public Task NotifyAsync(EscalationState escalation, EscalationStep reached, CancellationToken cancellationToken)
        {
            foreach (var receiver in reached.Receivers)
            {
                _sent.Enqueue(($"{reached.Run}.{reached.Level} {receiver}", DateTimeOffset.UtcNow));
            }

            return Task.CompletedTask;
        }

        public async Task WaitForAsync(int count)
        {
            var deadline = DateTime.UtcNow + Timeout;
            while (_sent.Count < count && DateTime.UtcNow < deadline)
            {
                await Task.Delay(50);
            }

            Assert.True(_sent.Count >= count, $"sent so far: {string.Join(", ", Sent)}");
        }
    }
}
