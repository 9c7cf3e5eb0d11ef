using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// The alerts of a notification as upstream prepares them: the dispatcher's flush (an alert not
/// resolved at flush time loses its end, so it cannot resolve on the way; sorted stably by
/// <c>job</c>, then <c>instance</c>, then the label sets) and the retry stage's filter for
/// integrations without <c>send_resolved</c>.
/// </summary>
public static class NotificationAlerts
{
    /// <summary>dispatch's <c>aggrGroup.flush</c>: copies with <c>EndsAt</c> cleared unless resolved at <paramref name="now"/>, in upstream's order.</summary>
    public static IReadOnlyList<Alert> ForFlush(IEnumerable<Alert> alerts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var prepared = alerts.Select(a => a.ResolvedAt(now) ? a : a with { EndsAt = null }).ToList();

        // List.Sort is not stable: order by the comparison, then by the original position.
        return prepared.Select((a, i) => (a, i)).OrderBy(p => p.a, Comparer<Alert>.Create(Compare)).ThenBy(p => p.i).Select(p => p.a).ToArray();
    }

    /// <summary>
    /// The retry stage: with <paramref name="sendResolved"/> every alert; otherwise the firing ones,
    /// and nothing at all (the notification is skipped but logged) when none fires.
    /// </summary>
    public static IReadOnlyList<Alert> ToSend(IReadOnlyList<Alert> alerts, bool sendResolved, DateTimeOffset now) =>
        sendResolved ? alerts : alerts.Where(a => !a.ResolvedAt(now)).ToArray();

    /// <summary><c>types.AlertSlice.Less</c> as a comparison.</summary>
    public static int Compare(Alert x, Alert y)
    {
        foreach (var key in (ReadOnlySpan<string>)["job", "instance"])
        {
            var xOk = x.Labels.TryGetValue(key, out var xv);
            var yOk = y.Labels.TryGetValue(key, out var yv);
            if (!xOk && !yOk)
            {
                continue;
            }

            if (!xOk)
            {
                return 1;
            }

            if (!yOk)
            {
                return -1;
            }

            var c = Utf8Ordinal.Instance.Compare(xv, yv);
            if (c != 0)
            {
                return c;
            }
        }

        return Before(x.Labels, y.Labels) ? -1 : Before(y.Labels, x.Labels) ? 1 : 0;
    }

    // model.LabelSet.Before: fewer labels first; then over the union of names in order, a missing
    // name or a smaller value comes first.
    private static bool Before(LabelSet a, LabelSet b)
    {
        if (a.Count != b.Count)
        {
            return a.Count < b.Count;
        }

        var names = a.Select(l => l.Name).Concat(b.Select(l => l.Name)).Order(Utf8Ordinal.Instance);
        foreach (var name in names)
        {
            if (!a.TryGetValue(name, out var av))
            {
                return true;
            }

            if (!b.TryGetValue(name, out var bv))
            {
                return false;
            }

            var c = Utf8Ordinal.Instance.Compare(av, bv);
            if (c != 0)
            {
                return c < 0;
            }
        }

        return false;
    }
}
