using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting;

/// <summary>
/// An alert as the alert router holds it (Alertmanager's <c>types.Alert</c>): what a client posted
/// to <c>/api/v2/alerts</c>, plus when it was last updated and whether its end was set by the
/// router's <c>resolve_timeout</c> rather than by the client.
/// </summary>
public sealed record Alert
{
    /// <summary>Identifies the alert; its <see cref="Fingerprint"/> is the key of the alert store.</summary>
    public required LabelSet Labels { get; init; }

    public LabelSet Annotations { get; init; } = LabelSet.Empty;

    public required DateTimeOffset StartsAt { get; init; }

    /// <summary>When the alert ends; null while the client has not said (upstream's zero time).</summary>
    public DateTimeOffset? EndsAt { get; init; }

    public string GeneratorUrl { get; init; } = "";

    public DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The end is the router's guess (<c>resolve_timeout</c>), not the client's.</summary>
    public bool Timeout { get; init; }

    /// <summary>Prometheus's fingerprint of <see cref="Labels"/> (see <see cref="AlertFingerprint"/>).</summary>
    public ulong Fingerprint => AlertFingerprint.Of(Labels);

    /// <summary>Resolved at <paramref name="at"/>: it has an end and the end is not after it.</summary>
    public bool ResolvedAt(DateTimeOffset at) => EndsAt is { } end && end <= at;
}
