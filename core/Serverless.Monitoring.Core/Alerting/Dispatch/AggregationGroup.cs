using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>
/// One aggregation group (upstream's <c>aggrGroup</c>) as a state machine: its alerts by fingerprint,
/// when it flushes next, whether it has flushed, and whether a flush is in flight. Not thread-safe;
/// the <see cref="Dispatcher"/> guards it.
/// </summary>
public sealed class AggregationGroup
{
    /// <summary>Upstream's <c>notify.MinTimeout</c>: the least time a flush gets.</summary>
    public static readonly TimeSpan MinTimeout = TimeSpan.FromSeconds(10);

    private readonly Dictionary<ulong, Alert> _alerts = [];

    internal AggregationGroup(RouteOptions route, LabelSet labels, DateTimeOffset now)
    {
        Route = route;
        Labels = labels;
        GroupKey = KeyOf(route, labels);
        NextFlush = now + route.GroupWait;
    }

    public RouteOptions Route { get; }

    public LabelSet Labels { get; }

    public string GroupKey { get; }

    public DateTimeOffset NextFlush { get; internal set; }

    public bool HasFlushed { get; internal set; }

    public bool InFlight { get; internal set; }

    public bool IsEmpty => _alerts.Count == 0;

    public IReadOnlyCollection<Alert> Alerts => _alerts.Values;

    /// <summary><c>routeKey:{a="b", c="d"}</c> (Go's <c>model.LabelSet.String()</c>).</summary>
    public static string KeyOf(RouteOptions route, LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(route);
        ArgumentNullException.ThrowIfNull(labels);
        return route.Key + ":" + labels;
    }

    /// <summary>The labels that form the alert's group on a route.</summary>
    public static LabelSet GroupLabelsOf(Alert alert, RouteOptions route)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(route);
        if (route.GroupByAll)
        {
            return alert.Labels;
        }

        var builder = new LabelSetBuilder();
        foreach (var l in alert.Labels)
        {
            if (route.GroupBy.Contains(l.Name))
            {
                builder.Set(l.Name, l.Value);
            }
        }

        return builder.Build();
    }

    /// <summary>
    /// Adds or replaces the alert. Before the first flush, an alert whose <c>StartsAt + group_wait</c>
    /// is already past makes the group due at once.
    /// </summary>
    internal void Insert(Alert alert, DateTimeOffset now)
    {
        _alerts[alert.Fingerprint] = alert;
        if (!HasFlushed && alert.StartsAt + Route.GroupWait < now)
        {
            NextFlush = now;
        }
    }

    internal void Restore(Alert alert) => _alerts[alert.Fingerprint] = alert;

    /// <summary>Starts a flush at <paramref name="now"/>: the timer moves on by group_interval; null when there is nothing to send.</summary>
    internal GroupFlush? StartFlush(DateTimeOffset now)
    {
        NextFlush = now + Route.GroupInterval;
        HasFlushed = true;
        if (_alerts.Count == 0)
        {
            return null;
        }

        var alerts = GroupFlush.Prepare(_alerts.Values, now);
        InFlight = true;
        var timeout = Route.GroupInterval < MinTimeout ? MinTimeout : Route.GroupInterval;
        return new GroupFlush(GroupKey, Route, Labels, alerts, now, now + timeout);
    }

    /// <summary>
    /// Ends a flush. After a success, a resolved alert leaves the group unless it was updated meanwhile
    /// (same <see cref="Alert.UpdatedAt"/> as sent).
    /// </summary>
    internal void CompleteFlush(GroupFlush flush, bool success)
    {
        InFlight = false;
        if (!success)
        {
            return;
        }

        foreach (var sent in flush.Resolved)
        {
            if (_alerts.TryGetValue(sent.Fingerprint, out var current) && current.UpdatedAt == sent.UpdatedAt)
            {
                _alerts.Remove(sent.Fingerprint);
            }
        }
    }
}
