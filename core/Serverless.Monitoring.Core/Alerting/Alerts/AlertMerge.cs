namespace Serverless.Monitoring.Core.Alerting.Alerts;

/// <summary>
/// Alertmanager's <c>types.Alert.Merge</c> and the overlap test of its alert store: how a posted
/// alert combines with the stored one of the same fingerprint.
/// </summary>
public static class AlertMerge
{
    /// <summary>
    /// True when the activity ranges overlap (the new end or the new start falls strictly inside the
    /// old range): only then are the two merged; otherwise the new alert replaces the old one.
    /// </summary>
    public static bool Overlaps(Alert old, Alert incoming)
    {
        ArgumentNullException.ThrowIfNull(old);
        ArgumentNullException.ThrowIfNull(incoming);
        var oldEnd = End(old);
        var newEnd = End(incoming);
        return (newEnd > old.StartsAt && newEnd < oldEnd) || (incoming.StartsAt > old.StartsAt && incoming.StartsAt < oldEnd);
    }

    /// <summary>
    /// The younger alert (later <see cref="Alert.UpdatedAt"/>) wins, with the earliest start; its end
    /// stays unless: both are resolved and the older one ended later (the latest explicit end wins), or
    /// the younger one still fires and the older one has a later end that the client set (not a timeout).
    /// </summary>
    public static Alert Merge(Alert a, Alert b, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(a);
        ArgumentNullException.ThrowIfNull(b);
        var (older, younger) = b.UpdatedAt < a.UpdatedAt ? (b, a) : (a, b);
        var result = younger;
        if (older.StartsAt < younger.StartsAt)
        {
            result = result with { StartsAt = older.StartsAt };
        }

        if (younger.ResolvedAt(now))
        {
            if (older.ResolvedAt(now) && End(older) > End(younger))
            {
                result = result with { EndsAt = older.EndsAt };
            }
        }
        else if (End(older) > End(younger) && !older.Timeout)
        {
            result = result with { EndsAt = older.EndsAt };
        }

        return result;
    }

    // Go's zero time for a missing end: before every real time.
    private static DateTimeOffset End(Alert alert) => alert.EndsAt ?? DateTimeOffset.MinValue;
}
