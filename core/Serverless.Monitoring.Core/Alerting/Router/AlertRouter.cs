using System.Text;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Alerting.Inhibit;
using Serverless.Monitoring.Core.Alerting.NotificationLog;
using Serverless.Monitoring.Core.Alerting.Routing;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>
/// Alertmanager composed: alerts posted (<see cref="PostAlerts"/>) are stored, seen by the inhibitor
/// and put into the aggregation groups of the routes they match; <see cref="Tick"/> starts the flushes
/// that are due, each through the notification pipeline (inhibition, time intervals, silences, dedup,
/// retries) in the background, reported back to the dispatcher when done. <see cref="ReloadAsync"/>
/// swaps the configuration keeping alerts, silences and the notification log (groups are rebuilt from
/// the stored alerts, as upstream's new dispatcher re-reads the store); <see cref="SaveAsync"/> and
/// <see cref="LoadAsync"/> keep the whole state in one blob per store. The host drives it: a loop
/// waits for <see cref="NextDue"/> or <see cref="Changed"/>.
/// </summary>
public sealed partial class AlertRouter : IDisposable
{
    /// <summary>The blob container of the state.</summary>
    public const string Container = "alertmanager";

    public const string AlertsBlob = "alerts.json";
    public const string SilencesBlob = "silences.json";
    public const string NotificationLogBlob = "nflog.json";
    public const string GroupsBlob = "groups.json";

    private readonly AlertRouterOptions _options;
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _stopping = new();
    private RouterGeneration _running;
    private int _disposed;

    private AlertRouter(RouterGeneration running, AlertRouterOptions options, AlertMarker marker, SilenceStore silences)
    {
        _running = running;
        _options = options;
        Marker = marker;
        Silences = silences;
        options.Metrics?.CountAlertsWith(CountAlerts);
    }

    /// <summary>Raised after anything changed that the host may want to save or that may move <see cref="NextDue"/>.</summary>
    public event Action? Changed;

    /// <summary>Raised after each flush's pipeline ran (the escalation wiring hooks here).</summary>
    public event Action<GroupFlush, PipelineResult>? Flushed;

    public AlertStore Alerts { get; } = new();

    public AlertMarker Marker { get; }

    public SilenceStore Silences { get; }

    public NotificationLogStore NotificationLog { get; private init; } = new();

    public AlertmanagerConfiguration Configuration => _running.Config;

    public Route Routes => _running.Root;

    public Dispatcher Dispatcher => _running.Dispatcher;

    public Inhibitor Inhibitor => _running.Inhibitor;

    public RouterReceivers Receivers => _running.Receivers;

    /// <summary>When the next aggregation group is due; null when none.</summary>
    public DateTimeOffset? NextDue => _running.Dispatcher.NextDue;

    /// <summary>A router for a loaded configuration: its templates are read and its receivers built now.</summary>
    /// <exception cref="Core.Config.ConfigException">A template, secret file or integration the router cannot use, naming the field.</exception>
    public static async Task<AlertRouter> CreateAsync(AlertmanagerConfiguration config, AlertRouterOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(options);
        if (options.Silences is not null && options.Marker is null)
        {
            throw new ArgumentException("A shared silence store needs its marker.", nameof(options));
        }

        var marker = options.Marker ?? new AlertMarker();
        var silences = options.Silences ?? new SilenceStore(options.Time, options.Retention, marker);
        var log = new NotificationLogStore(options.Retention);
        var generation = await BuildAsync(config, options, marker, silences, log, cancellationToken).ConfigureAwait(false);
        return new AlertRouter(generation, options, marker, silences) { NotificationLog = log };
    }

    /// <summary>Alertmanager's <c>POST /api/v2/alerts</c>: the valid alerts are stored and routed even when others are refused (as upstream).</summary>
    public AlertPostResult PostAlerts(IEnumerable<PostableAlert> posted)
    {
        ArgumentNullException.ThrowIfNull(posted);
        var now = _options.Time.GetUtcNow();
        lock (_gate)
        {
            var result = AlertPosting.Prepare(posted, now, _running.Config.Global.ResolveTimeout);
            _options.Metrics?.Invalid(result.Errors.Count);
            foreach (var alert in Alerts.Put(result.Valid, now))
            {
                _options.Metrics?.Received(alert.ResolvedAt(now));
                Route(_running, alert, now);
            }

            if (result.Valid.Count > 0)
            {
                Changed?.Invoke();
            }

            return result;
        }
    }

    /// <summary>Starts the flushes due at <paramref name="now"/> (they run in the background); returns how many.</summary>
    public int Tick(DateTimeOffset now)
    {
        var running = _running;
        var flushes = running.Dispatcher.Tick(now);
        foreach (var flush in flushes)
        {
            running.Track(Task.Run(() => FlushAsync(running, flush), CancellationToken.None));
        }

        return flushes.Count;
    }

    /// <summary>Waits for the flushes in flight (before a snapshot at stop, and in tests).</summary>
    public Task DrainAsync() => _running.Drain();

    /// <summary>Drops resolved alerts, silences and log entries past their retention (upstream's GC).</summary>
    public void CollectGarbage()
    {
        var now = _options.Time.GetUtcNow();
        foreach (var alert in Alerts.CollectResolved(now))
        {
            Marker.Delete(alert.Fingerprint);
        }

        _running.Inhibitor.CollectResolved(now);
        Silences.CollectGarbage();
        NotificationLog.CollectGarbage(now);
    }

    /// <summary>
    /// Runs a new configuration. Everything is built before the swap, so a configuration the router
    /// cannot use leaves the running one in force (the exception says why).
    /// </summary>
    /// <exception cref="Core.Config.ConfigException">The new configuration cannot be used.</exception>
    public async Task ReloadAsync(AlertmanagerConfiguration config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var next = await BuildAsync(config, _options, Marker, Silences, NotificationLog, cancellationToken).ConfigureAwait(false);
        RouterGeneration previous;
        lock (_gate)
        {
            previous = _running;
            var now = _options.Time.GetUtcNow();
            foreach (var alert in Alerts.List())
            {
                next.Inhibitor.Observe(alert);
                if (!alert.ResolvedAt(now))
                {
                    next.Dispatcher.Insert(alert, next.Match(alert.Labels), now);
                }
            }

            _running = next;
        }

        previous.DisposeWhenDrained();
        Changed?.Invoke();
    }

    /// <summary>What an alert's status is now (the API computes it at read time, as upstream's does), recorded in the marker.</summary>
    public AlertStatus StatusOf(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        Silences.Mutes(alert.Labels);
        _running.Inhibitor.InhibitedBy(alert.Labels, _options.Time.GetUtcNow());
        return Marker.Status(alert.Fingerprint);
    }

    /// <summary>The receivers of the routes these labels go to, in route order without repeats.</summary>
    public IReadOnlyList<string> ReceiversOf(LabelSet labels) => [.. _running.Root.Match(labels).Select(r => r.Options.Receiver).Distinct(StringComparer.Ordinal)];

    /// <summary>Writes the state, one blob per store (groups last: their alerts are in the alert blob too).</summary>
    public async Task SaveAsync(IBlobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        await store.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        await PutAsync(store, AlertsBlob, Alerts.ExportJson(), cancellationToken).ConfigureAwait(false);
        await PutAsync(store, SilencesBlob, Silences.ExportJson(), cancellationToken).ConfigureAwait(false);
        await PutAsync(store, NotificationLogBlob, NotificationLog.ExportJson(), cancellationToken).ConfigureAwait(false);
        await PutAsync(store, GroupsBlob, _running.Dispatcher.ExportJson(), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Reads a saved state (missing blobs leave that store empty): the groups keep their timers, and
    /// unresolved alerts whose group is gone (the route changed) are routed anew.
    /// </summary>
    /// <returns>Whether anything was found.</returns>
    public async Task<bool> LoadAsync(IBlobStore store, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(store);
        var alerts = await GetAsync(store, AlertsBlob, cancellationToken).ConfigureAwait(false);
        var silences = await GetAsync(store, SilencesBlob, cancellationToken).ConfigureAwait(false);
        var log = await GetAsync(store, NotificationLogBlob, cancellationToken).ConfigureAwait(false);
        var groups = await GetAsync(store, GroupsBlob, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            var running = _running;
            if (alerts is not null)
            {
                Alerts.ImportJson(alerts);
            }

            if (silences is not null)
            {
                Silences.ImportJson(silences);
            }

            if (log is not null)
            {
                NotificationLog.ImportJson(log);
            }

            if (groups is not null)
            {
                running.Dispatcher.ImportJson(groups, running.RouteByKey);
            }

            var now = _options.Time.GetUtcNow();
            var grouped = running.Dispatcher.Groups().SelectMany(g => g.Alerts).Select(a => a.Fingerprint).ToHashSet();
            foreach (var alert in Alerts.List())
            {
                running.Inhibitor.Observe(alert);
                if (!alert.ResolvedAt(now) && !grouped.Contains(alert.Fingerprint))
                {
                    running.Dispatcher.Insert(alert, running.Match(alert.Labels), now);
                }
            }

            return alerts is not null || silences is not null || log is not null || groups is not null;
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return;
        }

        _stopping.Cancel();
        _running.Dispose();
        _stopping.Dispose();
    }

    private static async Task<RouterGeneration> BuildAsync(
        AlertmanagerConfiguration config, AlertRouterOptions options, AlertMarker marker, SilenceStore silences, NotificationLogStore log, CancellationToken cancellationToken)
    {
        var template = await RouterTemplates.LoadAsync(config.FileName, config.Templates, cancellationToken).ConfigureAwait(false);
        var receivers = RouterReceivers.Build(config, template, options.ExternalUrl, options.Metrics);
        var inhibitor = new Inhibitor([.. config.InhibitRules.Select(r => new InhibitRule(r.SourceMatchers, r.TargetMatchers, r.Equal))], marker);
        var intervals = config.TimeIntervals;
        var pipeline = new NotificationPipeline(
            inhibitor,
            silences,
            (name, at) => intervals.TryGetValue(name, out var interval) && interval.Contains(at),
            log,
            receivers.Of,
            options.Time);
        return new RouterGeneration(config, receivers, inhibitor, pipeline);
    }

    private static void Route(RouterGeneration running, Alert alert, DateTimeOffset now)
    {
        running.Inhibitor.Observe(alert);
        running.Dispatcher.Insert(alert, running.Match(alert.Labels), now);
    }

    private async Task FlushAsync(RouterGeneration running, GroupFlush flush)
    {
        PipelineResult result;
        try
        {
            result = await running.Pipeline.RunAsync(flush, _stopping.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (_stopping.IsCancellationRequested)
        {
            result = new PipelineResult(false, ["stopped"]);
        }
        catch (Exception ex)
        {
            _options.Logger.LogError(ex, "Notify for alerts failed: group {GroupKey}", flush.GroupKey);
            result = new PipelineResult(false, [ex.Message]);
        }

        foreach (var error in result.Errors)
        {
            _options.Logger.LogWarning("Notify for alerts failed: group {GroupKey}: {Error}", flush.GroupKey, error);
        }

        running.Dispatcher.Complete(flush, result.Success);
        try
        {
            Flushed?.Invoke(flush, result);
        }
        catch (Exception ex)
        {
            _options.Logger.LogError(ex, "After the flush of {GroupKey}", flush.GroupKey);
        }

        Changed?.Invoke();
    }

    private (int Active, int Suppressed, int Unprocessed) CountAlerts()
    {
        var now = _options.Time.GetUtcNow();
        int active = 0, suppressed = 0, unprocessed = 0;
        foreach (var alert in Alerts.List().Where(a => !a.ResolvedAt(now)))
        {
            switch (Marker.State(alert.Fingerprint))
            {
                case AlertState.Active: active++; break;
                case AlertState.Suppressed: suppressed++; break;
                default: unprocessed++; break;
            }
        }

        return (active, suppressed, unprocessed);
    }

    private static async Task PutAsync(IBlobStore store, string name, string json, CancellationToken cancellationToken)
    {
        using var content = new MemoryStream(Encoding.UTF8.GetBytes(json));
        await store.PutAsync(name, content, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    private static async Task<string?> GetAsync(IBlobStore store, string name, CancellationToken cancellationToken)
    {
        try
        {
            var blob = await store.GetAsync(name, cancellationToken: cancellationToken).ConfigureAwait(false);
            return Encoding.UTF8.GetString(blob.Data.Span);
        }
        catch (StorageNotFoundException)
        {
            return null;
        }
    }
}
