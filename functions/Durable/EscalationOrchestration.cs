using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Monitoring.Core.Alerting.Escalation;

namespace Serverless.Monitoring.Functions.Durable;

/// <summary>
/// One escalation as an orchestration (instance <see cref="InstanceId"/>, one per aggregation group
/// and receiver): wait for the <see cref="SignalEvent"/> (an acknowledgement, the group's alerts
/// changing) against a durable timer to the next due level, the losing timer always cancelled;
/// then one <see cref="StepActivity"/> that applies what happened through core's
/// <see cref="EscalationStepper"/> and sends the levels reached; continue-as-new with the state.
/// The decisions are <see cref="EscalationMachine"/>'s; this only sequences them.
/// </summary>
internal static class EscalationOrchestration
{
    public const string Name = "Escalation";
    public const string StepActivity = "StepEscalation";
    public const string SignalEvent = "Signal";

    /// <summary>A failed step (a receiver down) is tried again with the same input: at least once, as Alertmanager.</summary>
    private static readonly TaskOptions StepRetry = TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1), backoffCoefficient: 2, maxRetryInterval: TimeSpan.FromMinutes(1)));

    public static string InstanceId(string escalationId) => "escalation-" + escalationId;

    public static async Task<EscalationState> RunAsync(TaskOrchestrationContext context, EscalationState? state)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(state);
        context.SetCustomStatus(state);
        if (state.Status == EscalationStatus.Resolved)
        {
            return state;
        }

        // The signal wait spans the whole execution, so a signal raised while a step runs is seen.
        using var signalWait = new CancellationTokenSource();
        using var timerWait = new CancellationTokenSource();
        var signal = context.WaitForExternalEvent<EscalationSignal>(SignalEvent, signalWait.Token);
        if (state.NextDue is { } due)
        {
            var timer = context.CreateTimer(due.UtcDateTime, timerWait.Token);
            if (await Task.WhenAny(signal, timer) == signal)
            {
                // Synchronously: an orchestrator awaits nothing but durable tasks.
                timerWait.Cancel();
            }
        }
        else
        {
            await signal;
        }

        var received = signal.IsCompletedSuccessfully ? signal.Result : null;
        state = await Step(context, state, received);
        if (received is null && signal.IsCompletedSuccessfully)
        {
            state = await Step(context, state, signal.Result);
        }
        else if (!signal.IsCompleted)
        {
            signalWait.Cancel();
        }

        context.SetCustomStatus(state);
        if (state.Status == EscalationStatus.Resolved)
        {
            return state;
        }

        context.ContinueAsNew(state, preserveUnprocessedEvents: true);
        return state;
    }

    /// <summary>Starts an escalation's instance unless it runs; true when it was started.</summary>
    public static async Task<bool> EnsureRunningAsync(DurableTaskClient client, EscalationState state, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(state);
        var id = InstanceId(state.Id);
        var existing = await client.GetInstanceAsync(id, cancellationToken);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(Name, state, new StartOrchestrationOptions(id), cancellationToken);
        return true;
    }

    private static Task<EscalationState> Step(TaskOrchestrationContext context, EscalationState state, EscalationSignal? signal) =>
        context.CallActivityAsync<EscalationState>(StepActivity, new EscalationStepInput(state, signal, context.CurrentUtcDateTime), StepRetry);
}

/// <summary>The step activity's input: the state, what happened (null: the timer fired), and the orchestration's time.</summary>
internal sealed record EscalationStepInput(EscalationState State, EscalationSignal? Signal, DateTimeOffset Now);
