using Microsoft.Extensions.Logging;

namespace Serverless.Monitoring.Core.Alerting.Escalation;

/// <summary>
/// One step of an escalation, as both hosts run it (the function app's activity, the embedded
/// server's loop): apply the signal if any, reach what is due at <c>now</c> under the policy as the
/// loaded configuration has it now, and notify each level reached. A policy gone from the
/// configuration ends the escalation.
/// </summary>
public sealed class EscalationStepper(Func<string, EscalationChain?> policies, IEscalationNotifier notifier, ILogger<EscalationStepper> logger)
{
    public async Task<EscalationState> StepAsync(EscalationState state, EscalationSignal? signal, DateTimeOffset now, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (policies(state.Policy) is not { } policy)
        {
            logger.LogWarning("Escalation {Id} ends: its policy {Policy} is no longer configured", state.Id, state.Policy);
            return state with { Status = EscalationStatus.Resolved, NextDue = null };
        }

        switch (signal?.Kind)
        {
            case EscalationSignalKind.Acknowledge when state.Status != EscalationStatus.Resolved:
                state = EscalationMachine.Acknowledge(policy, state, signal.By, signal.Comment, now);
                logger.LogInformation("Escalation {Id} acknowledged by {By}", state.Id, signal.By);
                break;
            case EscalationSignalKind.AlertsChanged:
                state = EscalationMachine.AlertsChanged(policy, state, signal.Firing ?? [], now);
                break;
        }

        (state, var reached) = EscalationMachine.Advance(policy, state, now);
        foreach (var step in reached.Where(s => !s.Skipped))
        {
            await notifier.NotifyAsync(state, step, cancellationToken).ConfigureAwait(false);
        }

        return state;
    }
}
