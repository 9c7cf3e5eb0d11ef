using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>The mutable alert an evaluation works on; <see cref="Alert"/> is its snapshot.</summary>
internal sealed class AlertInstance
{
    public required LabelSet Labels { get; init; }

    public required IReadOnlyList<Label> Annotations { get; set; }

    public AlertState State { get; set; }

    public double Value { get; set; }

    public long ActiveAt { get; set; }

    public long? FiredAt { get; set; }

    public long? ResolvedAt { get; set; }

    public long? LastSentAt { get; set; }

    public long? ValidUntil { get; set; }

    public long? KeepFiringSince { get; set; }

    public static AlertInstance From(Alert a) => new()
    {
        Labels = a.Labels,
        Annotations = a.Annotations,
        State = a.State,
        Value = a.Value,
        ActiveAt = a.ActiveAt,
        FiredAt = a.FiredAt,
        ResolvedAt = a.ResolvedAt,
        LastSentAt = a.LastSentAt,
        ValidUntil = a.ValidUntil,
        KeepFiringSince = a.KeepFiringSince,
    };

    public Alert ToAlert() => new()
    {
        Labels = Labels,
        Annotations = Annotations,
        State = State,
        Value = Value,
        ActiveAt = ActiveAt,
        FiredAt = FiredAt,
        ResolvedAt = ResolvedAt,
        LastSentAt = LastSentAt,
        ValidUntil = ValidUntil,
        KeepFiringSince = KeepFiringSince,
    };

    /// <summary>
    /// Upstream's <c>needsSending</c>: never while pending; at once when resolved since the last
    /// send; else once the resend delay has passed since it.
    /// </summary>
    public bool NeedsSending(long ts, long resendDelayNanos)
    {
        if (State == AlertState.Pending)
        {
            return false;
        }

        if (ResolvedAt is { } resolved && (LastSentAt is not { } sent || resolved > sent))
        {
            return true;
        }

        // A zero (never) LastSentAt plus the delay is before any evaluation time.
        return LastSentAt is not { } last || last + resendDelayNanos < ts;
    }
}
