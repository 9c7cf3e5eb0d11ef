namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>
/// Ours (no Alertmanager has it): an ordered chain of receivers notified while nobody
/// acknowledges, referenced by a route's <c>escalation_policy</c>.
/// </summary>
public sealed record EscalationPolicy
{
    public required string Name { get; init; }

    public required IReadOnlyList<EscalationLevel> Levels { get; init; }

    /// <summary>How many more times the chain runs after its last level (0..5).</summary>
    public int Repeat { get; init; }

    /// <summary>How long an acknowledgement holds before escalation resumes; null: until resolved.</summary>
    public TimeSpan? AckTimeout { get; init; }

    /// <summary>Whether a new alert in an acknowledged group restarts the chain (default true).</summary>
    public bool RestartOnNewAlert { get; init; } = true;
}

/// <summary>One level: <see cref="After"/> the chain started (0 for the first), notify <see cref="Receivers"/>.</summary>
public sealed record EscalationLevel
{
    public TimeSpan After { get; init; }

    public required IReadOnlyList<string> Receivers { get; init; }

    public IReadOnlyList<string> ActiveTimeIntervals { get; init; } = [];
}
