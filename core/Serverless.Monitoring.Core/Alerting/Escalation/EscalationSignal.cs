namespace Serverless.Monitoring.Core.Alerting.Escalation;

/// <summary>What can happen to an escalation from outside: somebody acknowledges, or its group's firing alerts change.</summary>
public enum EscalationSignalKind
{
    Acknowledge,
    AlertsChanged,
}

/// <summary>
/// One event for an escalation (the Durable orchestration's single external event, so that one
/// wait spans each execution and nothing raised meanwhile is lost).
/// </summary>
public sealed record EscalationSignal(EscalationSignalKind Kind, string By = "", string Comment = "", IReadOnlyList<ulong>? Firing = null)
{
    public static EscalationSignal Ack(string by, string comment) => new(EscalationSignalKind.Acknowledge, by, comment);

    public static EscalationSignal Alerts(IReadOnlyList<ulong> firing) => new(EscalationSignalKind.AlertsChanged, Firing: firing);
}
