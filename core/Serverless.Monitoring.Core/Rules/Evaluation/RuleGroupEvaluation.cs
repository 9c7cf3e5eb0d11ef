using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>What one evaluation of a group produced, for the host to write and send.</summary>
public sealed record RuleGroupEvaluation
{
    /// <summary>The evaluated slot (Unix ns).</summary>
    public long TimestampUnixNano { get; init; }

    /// <summary>
    /// Recorded series, <c>ALERTS</c> and <c>ALERTS_FOR_STATE</c>, and stale markers, stamped at the
    /// slot less the query offset: publish them through the sample bus.
    /// </summary>
    public required IReadOnlyList<SeriesSamples> Samples { get; init; }

    /// <summary>Alerts to send now (resend delay and resolution considered).</summary>
    public required IReadOnlyList<AlertNotification> Alerts { get; init; }

    /// <summary>Samples the rules returned (<c>prometheus_rule_group_last_evaluation_samples</c>); stale markers not counted.</summary>
    public int SamplesReturned { get; init; }

    /// <summary>Rules evaluated (add to <c>prometheus_rule_evaluations_total</c>).</summary>
    public int RuleEvaluations { get; init; }

    /// <summary>Rules that failed (add to <c>prometheus_rule_evaluation_failures_total</c>).</summary>
    public int RuleFailures { get; init; }

    /// <summary>How long the evaluation took (<c>prometheus_rule_group_last_duration_seconds</c>).</summary>
    public TimeSpan Duration { get; init; }

    /// <summary>True when this evaluation ended by restoring <c>for</c> state from <c>ALERTS_FOR_STATE</c>.</summary>
    public bool RestoredForState { get; init; }
}
