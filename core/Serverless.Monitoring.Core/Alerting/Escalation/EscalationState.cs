namespace Serverless.Monitoring.Core.Alerting.Escalation;

/// <summary>Where an escalation stands.</summary>
public enum EscalationStatus
{
    /// <summary>Climbing the chain: the next level is due at <see cref="EscalationState.NextDue"/>.</summary>
    Active,

    /// <summary>Somebody acknowledged; nothing is due until the acknowledgement expires.</summary>
    Acknowledged,

    /// <summary>Every level of every run was reached without an acknowledgement; it waits for an ack or the resolve.</summary>
    Exhausted,

    /// <summary>Every alert of the group resolved: the escalation is over.</summary>
    Resolved,
}

/// <summary>Who acknowledged an escalation, when, and until when it holds.</summary>
public sealed record Acknowledgement(string By, string Comment, DateTimeOffset At, DateTimeOffset? ExpiresAt);

/// <summary>A level reached: the receivers it notified (none when outside its active time intervals).</summary>
public sealed record EscalationStep(int Level, int Run, DateTimeOffset At, IReadOnlyList<string> Receivers, bool Skipped);

/// <summary>
/// The state of one escalation (one aggregation group and the receiver its route names), small and
/// serializable, so a Durable orchestration can carry it through <c>ContinueAsNew</c> and the
/// embedded server can save it. Changed only by <see cref="EscalationMachine"/>.
/// </summary>
public sealed record EscalationState
{
    public required string Id { get; init; }

    public required string GroupKey { get; init; }

    /// <summary>The receiver of the route that named the policy.</summary>
    public required string Receiver { get; init; }

    public required string Policy { get; init; }

    public EscalationStatus Status { get; init; }

    public DateTimeOffset StartedAt { get; init; }

    /// <summary>When the chain's current run started (levels' <c>after</c> count from it).</summary>
    public DateTimeOffset RunStartedAt { get; init; }

    /// <summary>The current run: 0 for the first, up to the policy's <c>repeat</c>.</summary>
    public int Run { get; init; }

    /// <summary>The level reached next.</summary>
    public int NextLevel { get; init; }

    /// <summary>The fingerprints of the group's firing alerts when last told.</summary>
    public IReadOnlyList<ulong> Firing { get; init; } = [];

    public Acknowledgement? Acknowledgement { get; init; }

    /// <summary>Every level reached so far, oldest first.</summary>
    public IReadOnlyList<EscalationStep> Steps { get; init; } = [];

    /// <summary>When something is due next; null when nothing is (exhausted, acknowledged for good, resolved).</summary>
    public DateTimeOffset? NextDue { get; init; }

    /// <summary>The highest level reached in the current run, or -1 before the first.</summary>
    public int CurrentLevel => NextLevel - 1;
}
