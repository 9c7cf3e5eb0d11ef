namespace Serverless.Monitoring.Core.Alerting.Escalation;

/// <summary>Sends what a level reached asks for: the group's alerts to each of the level's receivers.</summary>
public interface IEscalationNotifier
{
    /// <exception cref="Exception">A receiver could not be notified; the step is tried again with the same state (at least once).</exception>
    Task NotifyAsync(EscalationState escalation, EscalationStep reached, CancellationToken cancellationToken);
}
