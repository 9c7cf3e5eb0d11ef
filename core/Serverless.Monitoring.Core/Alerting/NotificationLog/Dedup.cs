namespace Serverless.Monitoring.Core.Alerting.NotificationLog;

/// <summary>The dedup stage's decision (<c>notify/dedup_stage.go</c> <c>needsUpdate</c>).</summary>
public static class Dedup
{
    /// <summary>
    /// Whether a flush must notify: without an entry, when anything fires; when an alert fires that was
    /// not firing last time; when nothing fires now but the last notification had firing alerts (the
    /// "all resolved" message, regardless of send_resolved, to clear the log); when an alert is newly
    /// resolved and the integration sends resolved; else only once repeat_interval has passed since the entry.
    /// </summary>
    public static bool NeedsUpdate(
        NotificationEntry? entry,
        IReadOnlySet<ulong> firing,
        IReadOnlySet<ulong> resolved,
        bool sendResolved,
        TimeSpan repeatInterval,
        DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(firing);
        ArgumentNullException.ThrowIfNull(resolved);
        if (entry is null)
        {
            return firing.Count > 0;
        }

        if (!entry.IsFiringSubset(firing))
        {
            return true;
        }

        if (firing.Count == 0)
        {
            return entry.FiringAlerts.Count > 0;
        }

        if (sendResolved && !entry.IsResolvedSubset(resolved))
        {
            return true;
        }

        return entry.Timestamp < now - repeatInterval;
    }
}
