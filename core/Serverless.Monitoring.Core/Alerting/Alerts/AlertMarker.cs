using System.Collections.Concurrent;

namespace Serverless.Monitoring.Core.Alerting.Alerts;

/// <summary>An alert's state in the API's <c>status.state</c>.</summary>
public enum AlertState
{
    Unprocessed,
    Active,
    Suppressed,
}

/// <summary>What mutes an alert, as the API's <c>status</c> shows it.</summary>
/// <param name="SilencedBy">Active silences that match, sorted by ID.</param>
/// <param name="InhibitedBy">Fingerprints (Go's <c>%016x</c>) of the source alerts that inhibit it.</param>
/// <param name="PendingSilences">Pending silences that match, sorted by ID (upstream keeps them to notice when they start).</param>
public sealed record AlertStatus(IReadOnlyList<string> SilencedBy, IReadOnlyList<string> InhibitedBy, IReadOnlyList<string> PendingSilences)
{
    public static AlertStatus Unprocessed { get; } = new([], [], []);

    /// <summary>Suppressed while anything mutes it, else active.</summary>
    public AlertState State => SilencedBy.Count > 0 || InhibitedBy.Count > 0 ? AlertState.Suppressed : AlertState.Active;
}

/// <summary>
/// Alertmanager's <c>types.Marker</c>: per alert fingerprint, which silences and inhibiting alerts mute
/// it. The silence and inhibition checks write it; the API reads it. Thread-safe.
/// </summary>
public sealed class AlertMarker
{
    private readonly ConcurrentDictionary<ulong, AlertStatus> _status = new();

    /// <summary>The alert's status; <see cref="AlertState.Unprocessed"/> when nothing checked it yet.</summary>
    public AlertState State(ulong fingerprint) =>
        _status.TryGetValue(fingerprint, out var s) ? s.State : AlertState.Unprocessed;

    public AlertStatus Status(ulong fingerprint) => _status.GetValueOrDefault(fingerprint, AlertStatus.Unprocessed);

    public void SetSilenced(ulong fingerprint, IReadOnlyList<string> activeIds, IReadOnlyList<string> pendingIds) =>
        _status.AddOrUpdate(
            fingerprint,
            _ => new AlertStatus(activeIds, [], pendingIds),
            (_, s) => s with { SilencedBy = activeIds, PendingSilences = pendingIds });

    public void SetInhibited(ulong fingerprint, IReadOnlyList<string> inhibitedBy) =>
        _status.AddOrUpdate(
            fingerprint,
            _ => new AlertStatus([], inhibitedBy, []),
            (_, s) => s with { InhibitedBy = inhibitedBy });

    /// <summary>Forgets an alert (the store collected it).</summary>
    public void Delete(ulong fingerprint) => _status.TryRemove(fingerprint, out _);
}
