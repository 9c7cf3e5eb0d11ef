using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Alerting.Escalation;
using Serverless.Monitoring.Core.Alerting.NotificationLog;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>What escalations need of the router: the configured policies and sending a level's notifications.</summary>
public sealed partial class AlertRouter
{
    /// <summary>The running configuration's policy of that name as a chain (time intervals from the configuration); null when there is none.</summary>
    public EscalationChain? EscalationPolicy(string name)
    {
        var config = _running.Config;
        var policy = config.EscalationPolicies.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.Ordinal));
        return policy is null ? null : new EscalationChain(policy, (names, at) =>
            names.Any(n => config.TimeIntervals.TryGetValue(n, out var interval) && interval.Contains(at)));
    }

    /// <summary>The escalation policy of the route a flush came from; null when it has none.</summary>
    public string? EscalationPolicyOf(GroupFlush flush)
    {
        ArgumentNullException.ThrowIfNull(flush);
        return _running.EscalationPolicyOf(flush.Route.Key);
    }

    /// <summary>
    /// Sends the escalation's firing alerts (as they are stored now) to each receiver of the level
    /// reached (but the route's own at the first level), through those receivers' integrations, and
    /// logs each send in the notification log.
    /// </summary>
    /// <exception cref="InvalidOperationException">An integration failed (the stepper tries the step again).</exception>
    public async Task NotifyEscalationAsync(EscalationState escalation, EscalationStep reached, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(escalation);
        ArgumentNullException.ThrowIfNull(reached);
        var now = _options.Time.GetUtcNow();
        var alerts = escalation.Firing.Select(Alerts.Get).OfType<Alert>()
            .Where(a => !a.ResolvedAt(now)).Select(a => a with { EndsAt = null }).Order(AlertOrder.Instance).ToList();
        if (alerts.Count == 0)
        {
            return;
        }

        var group = _running.Dispatcher.Groups().FirstOrDefault(g => string.Equals(g.GroupKey, escalation.GroupKey, StringComparison.Ordinal));
        var route = group?.Route ?? new RouteOptions { Key = "", Receiver = escalation.Receiver };
        var firing = alerts.Select(a => AlertHash.Of(a.Labels)).ToList();
        var errors = new List<string>();
        // The route's own receiver hears of the group from the route itself (group_wait,
        // group_interval, repeat_interval); as a first level it is not told twice.
        foreach (var receiver in reached.Receivers.Where(r => reached.Level > 0 || !string.Equals(r, escalation.Receiver, StringComparison.Ordinal)))
        {
            foreach (var integration in _running.Receivers.Of(receiver))
            {
                var flush = new GroupFlush(escalation.GroupKey, route with { Receiver = receiver }, group?.Labels ?? LabelSet.Empty, alerts, now, now + AggregationGroup.MinTimeout);
                var result = await integration.NotifyAsync(flush, alerts, cancellationToken).ConfigureAwait(false);
                if (result.Succeeded)
                {
                    NotificationLog.Log(integration.Receiver, escalation.GroupKey, firing, [], 2 * route.RepeatInterval, _options.Time.GetUtcNow());
                }
                else
                {
                    errors.Add($"{integration.Receiver}: {result.Error}");
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new InvalidOperationException($"escalation {escalation.Id} level {reached.Level}: {string.Join("; ", errors)}");
        }
    }
}

/// <summary>The escalation notifier of a host: the running router's integrations (none while the router is off).</summary>
public sealed class RouterEscalationNotifier(Func<AlertRouter?> router) : IEscalationNotifier
{
    public Task NotifyAsync(EscalationState escalation, EscalationStep reached, CancellationToken cancellationToken) =>
        router() is { } r ? r.NotifyEscalationAsync(escalation, reached, cancellationToken) : Task.CompletedTask;
}
