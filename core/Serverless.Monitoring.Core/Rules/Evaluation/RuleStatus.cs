namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>One rule as <c>/api/v1/rules</c> shows it. Instants are Unix ns; null is upstream's zero time.</summary>
public sealed record RuleStatus
{
    /// <summary>The rule (name, query, labels; for an <see cref="AlertingRule"/> also <c>for</c>, <c>keep_firing_for</c>, annotations).</summary>
    public required Rule Rule { get; init; }

    /// <summary><c>health</c>.</summary>
    public RuleHealth Health { get; init; }

    /// <summary><c>lastError</c> (null or empty when healthy).</summary>
    public string? LastError { get; init; }

    /// <summary><c>evaluationTime</c>.</summary>
    public TimeSpan EvaluationTime { get; init; }

    /// <summary><c>lastEvaluation</c>: wall-clock start of the rule's last evaluation.</summary>
    public long? LastEvaluation { get; init; }

    /// <summary>An alerting rule's <c>state</c>: the highest of its alerts', inactive without any, unknown before its first evaluation; null for a recording rule.</summary>
    public AlertState? State { get; init; }

    /// <summary>An alerting rule's active (pending or firing) alerts, as upstream's <c>ActiveAlerts</c>; resolved ones are left out.</summary>
    public IReadOnlyList<Alert> Alerts { get; init; } = [];
}
