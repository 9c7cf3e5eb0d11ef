using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>
/// Alertmanager's own metrics that the router keeps (names and labels as upstream's): notify attempts
/// and failures per integration, alerts received and refused, and the stored alerts by state. Created
/// once per registry; a reloaded router keeps counting into the same series.
/// </summary>
public sealed class RouterMetrics
{
    /// <summary>The integrations upstream initialises at zero (those we send, plus email which is refused for now).</summary>
    private static readonly string[] Integrations = ["email", "msteams", "pagerduty", "slack", "webhook"];

    private readonly Counter _notifications;
    private readonly Counter _failed;
    private readonly Counter _received;
    private readonly Counter _invalid;
    private readonly Gauge _alerts;
    private Func<(int Active, int Suppressed, int Unprocessed)>? _countAlerts;

    public RouterMetrics(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _notifications = registry.CreateCounter("alertmanager_notifications_total", "The total number of attempted notifications.", "integration");
        _failed = registry.CreateCounter("alertmanager_notifications_failed_total", "The total number of failed notifications.", "integration");
        foreach (var integration in Integrations)
        {
            _notifications.WithLabels(integration);
            _failed.WithLabels(integration);
        }

        _received = registry.CreateCounter("alertmanager_alerts_received_total", "The total number of received alerts.", "status");
        _received.WithLabels("firing");
        _received.WithLabels("resolved");
        _invalid = registry.CreateCounter("alertmanager_alerts_invalid_total", "The total number of received alerts that were invalid.");
        _alerts = registry.CreateGauge("alertmanager_alerts", "How many alerts by state.", "state");
        registry.AddBeforeCollect(Collect);
    }

    /// <summary>Where the alert counts come from (the running router; replaced on reload).</summary>
    internal void CountAlertsWith(Func<(int Active, int Suppressed, int Unprocessed)> count) => _countAlerts = count;

    internal void Attempted(string integration) => _notifications.WithLabels(integration).Inc();

    internal void Failed(string integration) => _failed.WithLabels(integration).Inc();

    internal void Received(bool resolved) => _received.WithLabels(resolved ? "resolved" : "firing").Inc();

    internal void Invalid(int count) => _invalid.Inc(count);

    private void Collect()
    {
        if (_countAlerts is not { } count)
        {
            return;
        }

        var (active, suppressed, unprocessed) = count();
        _alerts.WithLabels("active").Set(active);
        _alerts.WithLabels("suppressed").Set(suppressed);
        _alerts.WithLabels("unprocessed").Set(unprocessed);
    }
}
