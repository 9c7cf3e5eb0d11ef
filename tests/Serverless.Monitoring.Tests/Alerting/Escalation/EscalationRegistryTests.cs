using Microsoft.Extensions.Logging.Abstractions;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Escalation;
using Serverless.Monitoring.Tests.Storage.Blocks;
using Serverless.Monitoring.Tests.Storage.Engine;

namespace Serverless.Monitoring.Tests.Alerting.Escalation;

/// <summary>
/// The embedded server's escalations: the same stepper as the orchestration, driven by due times
/// and signals, saved after each change, so a new registry on the same store (a restarted
/// process) continues each escalation at its level.
/// </summary>
public sealed class EscalationRegistryTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    private static readonly EscalationChain Policy = new(new EscalationPolicy
    {
        Name = "db-oncall",
        Levels =
        [
            new EscalationLevel { Receivers = ["slack-db"] },
            new EscalationLevel { After = TimeSpan.FromMinutes(10), Receivers = ["pagerduty-primary"] },
            new EscalationLevel { After = TimeSpan.FromMinutes(15), Receivers = ["pagerduty-secondary"] },
        ],
        AckTimeout = TimeSpan.FromMinutes(30),
    });

    private readonly InMemoryBlobStore _store = new();
    private readonly ManualTimeProvider _time = new(T0);
    private readonly List<string> _sent = [];

    [Fact]
    public async Task A_restarted_registry_continues_at_the_level_reached()
    {
        using var first = Registry();
        var started = await first.StartAsync(EscalationMachine.Start(Policy, "{}:{alertname=\"DbDown\"}", "slack-db", [7], T0), CancellationToken.None);
        Assert.Equal(T0.AddMinutes(10), started.NextDue);
        _time.Now = T0.AddMinutes(10);
        Assert.Equal(T0.AddMinutes(15), await first.RunDueAsync(CancellationToken.None));
        Assert.Equal(["0 slack-db", "1 pagerduty-primary"], _sent);

        // The process stops; a new one loads the saved state and reaches the third level when due, once.
        using var second = Registry();
        _time.Now = T0.AddMinutes(14);
        Assert.Equal(T0.AddMinutes(15), await second.RunDueAsync(CancellationToken.None));
        _time.Now = T0.AddMinutes(15);
        Assert.Null(await second.RunDueAsync(CancellationToken.None));
        Assert.Equal(["0 slack-db", "1 pagerduty-primary", "2 pagerduty-secondary"], _sent);
        Assert.Equal(EscalationStatus.Exhausted, Assert.Single(await second.ListAsync(CancellationToken.None)).Status);
    }

    [Fact]
    public async Task Starting_twice_keeps_the_running_one_and_signals_reach_it()
    {
        using var registry = Registry();
        var initial = EscalationMachine.Start(Policy, "{}:{alertname=\"DbDown\"}", "slack-db", [7], T0);
        await registry.StartAsync(initial, CancellationToken.None);
        _time.Now = T0.AddMinutes(1);
        var again = await registry.StartAsync(initial with { StartedAt = _time.Now }, CancellationToken.None);
        Assert.Equal(T0, again.StartedAt);
        Assert.Equal(["0 slack-db"], _sent);

        var acked = await registry.SignalAsync(initial.Id, EscalationSignal.Ack("ann", "mine"), CancellationToken.None);
        Assert.Equal(EscalationStatus.Acknowledged, acked!.Status);
        Assert.Null(await registry.SignalAsync("nope", EscalationSignal.Ack("ann", ""), CancellationToken.None));

        // Resolved: gone from the list, also after a restart.
        await registry.SignalAsync(initial.Id, EscalationSignal.Alerts([]), CancellationToken.None);
        Assert.Empty(await registry.ListAsync(CancellationToken.None));
        using var restarted = Registry();
        Assert.Empty(await restarted.ListAsync(CancellationToken.None));
    }

    private EscalationRegistry Registry() => new(
        new EscalationStepper(name => name == Policy.Name ? Policy : null, new Recorder(_sent), NullLogger<EscalationStepper>.Instance),
        _store,
        _time,
        NullLogger<EscalationRegistry>.Instance);

    private sealed class Recorder(List<string> sent) : IEscalationNotifier
    {
        public Task NotifyAsync(EscalationState escalation, EscalationStep reached, CancellationToken cancellationToken)
        {
            sent.AddRange(reached.Receivers.Select(r => $"{reached.Level} {r}"));
            return Task.CompletedTask;
        }
    }
}
