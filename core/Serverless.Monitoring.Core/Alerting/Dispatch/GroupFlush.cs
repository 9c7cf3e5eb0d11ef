using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>
/// One flush of an aggregation group: what the notification pipeline gets. Firing alerts have no end
/// (so they do not resolve while in flight), resolved ones keep theirs; sorted by <see cref="AlertOrder"/>.
/// </summary>
/// <param name="GroupKey">Upstream's group key: <c>routeKey:{label="value", ...}</c>.</param>
/// <param name="Now">The flush's reference time (upstream's <c>notify.Now</c>).</param>
/// <param name="Deadline">When the pipeline must give up (<c>max(group_interval, 10s)</c> after <paramref name="Now"/>).</param>
public sealed record GroupFlush(
    string GroupKey,
    RouteOptions Route,
    LabelSet GroupLabels,
    IReadOnlyList<Alert> Alerts,
    DateTimeOffset Now,
    DateTimeOffset Deadline)
{
    public IEnumerable<Alert> Firing => Alerts.Where(a => a.EndsAt is null);

    public IEnumerable<Alert> Resolved => Alerts.Where(a => a.EndsAt is not null);

    /// <summary>dispatch's <c>aggrGroup.flush</c>: copies with the end cleared unless resolved at <paramref name="now"/>, in <see cref="AlertOrder"/> (stable).</summary>
    public static List<Alert> Prepare(IEnumerable<Alert> alerts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        return [.. alerts.Select(a => a.ResolvedAt(now) ? a : a with { EndsAt = null }).Order(AlertOrder.Instance)];
    }

    /// <summary>
    /// What an integration is sent: every alert with <c>send_resolved</c>, else the firing ones (none:
    /// the notification is skipped, but still logged to clear the firing set).
    /// </summary>
    public static List<Alert> ToSend(IReadOnlyList<Alert> alerts, bool sendResolved)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        return sendResolved ? [.. alerts] : [.. alerts.Where(a => a.EndsAt is null)];
    }
}
