using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>
/// Aggregation groups per route and group labels (Alertmanager's <c>dispatch.Dispatcher</c>) as a
/// state machine driven by time, so that the embedded loop and a Durable orchestration drive it the
/// same way: <see cref="Insert"/> the routed alerts, sleep until <see cref="NextDue"/>, call
/// <see cref="Tick"/> for the flushes that are due, run each through the pipeline and report it with
/// <see cref="Complete"/>. A group's timer starts at group_wait (or fires at once for an alert that
/// started more than group_wait ago), then runs every group_interval; a group that has a flush in
/// flight is not flushed again until it completes (upstream's group loop is sequential); a group left
/// empty by a successful flush is deleted. Thread-safe.
/// </summary>
public sealed class Dispatcher
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, AggregationGroup> _groups = new(StringComparer.Ordinal);

    /// <summary>Puts the alert into its group on each route it matched, creating groups as needed.</summary>
    public void Insert(Alert alert, IEnumerable<RouteOptions> routes, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alert);
        ArgumentNullException.ThrowIfNull(routes);
        lock (_lock)
        {
            foreach (var route in routes)
            {
                var labels = AggregationGroup.GroupLabelsOf(alert, route);
                var key = AggregationGroup.KeyOf(route, labels);
                if (!_groups.TryGetValue(key, out var group))
                {
                    group = new AggregationGroup(route, labels, now);
                    _groups.Add(key, group);
                }

                group.Insert(alert, now);
            }
        }
    }

    /// <summary>The earliest time a group not in flight is due; null when there is none.</summary>
    public DateTimeOffset? NextDue
    {
        get
        {
            lock (_lock)
            {
                return _groups.Values.Where(g => !g.InFlight).Select(g => (DateTimeOffset?)g.NextFlush).Min();
            }
        }
    }

    /// <summary>Starts the flushes due at <paramref name="now"/>, in group-key order.</summary>
    public IReadOnlyList<GroupFlush> Tick(DateTimeOffset now)
    {
        lock (_lock)
        {
            var flushes = new List<GroupFlush>();
            foreach (var group in _groups.Values.Where(g => !g.InFlight && g.NextFlush <= now).OrderBy(g => g.GroupKey, StringComparer.Ordinal))
            {
                if (group.StartFlush(now) is { } flush)
                {
                    flushes.Add(flush);
                }
            }

            return flushes;
        }
    }

    /// <summary>Reports the pipeline's outcome for a flush from <see cref="Tick"/>.</summary>
    public void Complete(GroupFlush flush, bool success)
    {
        ArgumentNullException.ThrowIfNull(flush);
        lock (_lock)
        {
            if (!_groups.TryGetValue(flush.GroupKey, out var group))
            {
                return;
            }

            group.CompleteFlush(flush, success);
            if (group.IsEmpty)
            {
                _groups.Remove(flush.GroupKey);
            }
        }
    }

    /// <summary>The groups with their alerts (for <c>/api/v2/alerts/groups</c>), in group-key order.</summary>
    public IReadOnlyList<GroupSnapshot> Groups()
    {
        lock (_lock)
        {
            return [.. _groups.Values.OrderBy(g => g.GroupKey, StringComparer.Ordinal).Select(g => new GroupSnapshot(
                g.GroupKey, g.Route, g.Labels, [.. g.Alerts.Order(AlertOrder.Instance)], g.NextFlush, g.HasFlushed))];
        }
    }

    /// <summary>The groups, their alerts and timers as JSON (flushes in flight count as not sent).</summary>
    public string ExportJson()
    {
        lock (_lock)
        {
            var state = new DispatcherState
            {
                Groups = [.. _groups.Values.OrderBy(g => g.GroupKey, StringComparer.Ordinal).Select(g => new GroupState
                {
                    RouteKey = g.Route.Key,
                    Labels = g.Labels,
                    NextFlush = g.NextFlush,
                    HasFlushed = g.HasFlushed,
                    Alerts = [.. g.Alerts.OrderBy(a => a.Fingerprint).Select(AlertJson.From)],
                })],
            };
            return state.ToJson();
        }
    }

    /// <summary>
    /// Replaces the groups with an export. <paramref name="routeByKey"/> finds the route of the running
    /// configuration; groups of routes that no longer exist are dropped (their alerts are routed anew
    /// when the store's subscription replays them). Returns how many groups were restored.
    /// </summary>
    /// <exception cref="System.Text.Json.JsonException">Not an export of this format.</exception>
    public int ImportJson(string json, Func<string, RouteOptions?> routeByKey)
    {
        ArgumentNullException.ThrowIfNull(json);
        ArgumentNullException.ThrowIfNull(routeByKey);
        var state = DispatcherState.FromJson(json);
        lock (_lock)
        {
            _groups.Clear();
            foreach (var g in state.Groups)
            {
                if (routeByKey(g.RouteKey) is not { } route)
                {
                    continue;
                }

                var group = new AggregationGroup(route, g.Labels, g.NextFlush)
                {
                    NextFlush = g.NextFlush,
                    HasFlushed = g.HasFlushed,
                };
                foreach (var a in g.Alerts)
                {
                    group.Restore(a.ToAlert());
                }

                if (!group.IsEmpty)
                {
                    _groups[group.GroupKey] = group;
                }
            }

            return _groups.Count;
        }
    }
}

/// <summary>A group as the API lists it.</summary>
public sealed record GroupSnapshot(
    string GroupKey,
    RouteOptions Route,
    LabelSet Labels,
    IReadOnlyList<Alert> Alerts,
    DateTimeOffset NextFlush,
    bool HasFlushed);
