using System.Diagnostics;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Core.Notifier;

/// <summary>
/// Sends alerts to the configured Alertmanagers as Prometheus's notifier does: <see cref="Enqueue"/>
/// adds external labels, applies <c>alert_relabel_configs</c> and queues (capacity 10,000; when full
/// the oldest are dropped); <see cref="SendBatchAsync"/> takes up to 256 alerts and posts them to every
/// Alertmanager of every set at once. A batch no Alertmanager of some set accepted is dropped and
/// counted: there are no retries, the rule's resend is the recovery. Metrics keep upstream's
/// <c>prometheus_notifications_*</c> names.
/// </summary>
public sealed class NotificationManager : IAsyncDisposable
{
    public const int DefaultQueueCapacity = 10_000;
    public const int DefaultMaxBatchSize = 256;

    private static readonly double[] LatencyBuckets = [0.01, 0.1, 1, 10];

    private readonly int _capacity;
    private readonly int _maxBatch;
    private readonly Action<string>? _log;
    private readonly Func<AlertmanagerConfig, AlertmanagerSet> _createSet;
    private readonly Lock _gate = new();
    private readonly LinkedList<NotifierAlert> _queue = new();
    private readonly SemaphoreSlim _more = new(0, 1);
    private readonly Histogram _latency;
    private readonly Counter _errors;
    private readonly Counter _sent;
    private readonly Counter _delivered;
    private readonly Counter _dropped;
    private IReadOnlyList<AlertmanagerSet> _sets = [];
    private LabelSet _externalLabels = LabelSet.Empty;
    private IReadOnlyList<RelabelConfig> _relabel = [];

    /// <param name="metrics">Receives the notifier's metrics.</param>
    /// <param name="log">Failed sends and drops, one line each.</param>
    /// <param name="createSet">Builds the set of one config entry (tests pass a loopback handler).</param>
    /// <param name="queueCapacity">Alerts held at the most.</param>
    /// <param name="maxBatchSize">Alerts per request at the most.</param>
    public NotificationManager(
        MetricRegistry metrics,
        Action<string>? log = null,
        Func<AlertmanagerConfig, AlertmanagerSet>? createSet = null,
        int queueCapacity = DefaultQueueCapacity,
        int maxBatchSize = DefaultMaxBatchSize)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        ArgumentOutOfRangeException.ThrowIfLessThan(queueCapacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxBatchSize, 1);
        _capacity = queueCapacity;
        _maxBatch = maxBatchSize;
        _log = log;
        _createSet = createSet ?? (config => new AlertmanagerSet(config, log));
        _latency = metrics.CreateHistogram("prometheus_notifications_latency_histogram_seconds", "Latency histogram for sending alert notifications.", LatencyBuckets, "alertmanager");
        _errors = metrics.CreateCounter("prometheus_notifications_errors_total", "Total number of sent alerts affected by errors.", "alertmanager");
        _sent = metrics.CreateCounter("prometheus_notifications_sent_total", "Total number of alerts sent.", "alertmanager");
        _delivered = metrics.CreateCounter("prometheus_notifications_delivered_total", "Total number of alerts successfully delivered to at least one Alertmanager.");
        _dropped = metrics.CreateCounter("prometheus_notifications_dropped_total", "Total number of alerts dropped due to errors when sending to Alertmanager.");
        var length = metrics.CreateGauge("prometheus_notifications_queue_length", "The number of alert notifications in the queue.");
        metrics.CreateGauge("prometheus_notifications_queue_capacity", "The capacity of the alert notifications queue.").Set(queueCapacity);
        var discovered = metrics.CreateGauge("prometheus_notifications_alertmanagers_discovered", "The number of alertmanagers discovered and active.");
        metrics.AddBeforeCollect(() =>
        {
            length.Set(QueueLength);
            discovered.Set(Alertmanagers.Count);
        });
    }

    public int QueueLength
    {
        get
        {
            lock (_gate)
            {
                return _queue.Count;
            }
        }
    }

    /// <summary>The Alertmanagers alerts go to (<c>/api/v1/alertmanagers</c> activeAlertmanagers).</summary>
    public IReadOnlyList<Uri> Alertmanagers => Volatile.Read(ref _sets).SelectMany(s => s.Active).ToList();

    /// <summary>The Alertmanagers relabeling dropped.</summary>
    public IReadOnlyList<Uri> DroppedAlertmanagers => Volatile.Read(ref _sets).SelectMany(s => s.Dropped).ToList();

    /// <summary>Takes the alerting section and external labels of a (re)loaded config; discovery starts again.</summary>
    public async Task ApplyConfigAsync(PrometheusConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var sets = new List<AlertmanagerSet>();
        foreach (var entry in config.Alerting.Alertmanagers)
        {
            var set = _createSet(entry);
            await set.StartAsync(cancellationToken).ConfigureAwait(false);
            sets.Add(set);
        }

        IReadOnlyList<AlertmanagerSet> old;
        lock (_gate)
        {
            _externalLabels = config.Global.ExternalLabels;
            _relabel = config.Alerting.AlertRelabelConfigs;
            old = _sets;
            _sets = sets;
        }

        foreach (var set in old)
        {
            await set.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Relabels and queues alerts; the oldest queued ones make room when the queue is full.</summary>
    public void Enqueue(IEnumerable<NotifierAlert> alerts)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        lock (_gate)
        {
            var relabeled = AlertRelabeling.Apply(alerts, _externalLabels, _relabel);
            if (relabeled.Count > _capacity)
            {
                Drop(relabeled.Count - _capacity, "Alert batch larger than queue capacity, dropping alerts");
                relabeled.RemoveRange(0, relabeled.Count - _capacity);
            }

            var overflow = _queue.Count + relabeled.Count - _capacity;
            if (overflow > 0)
            {
                for (var i = 0; i < overflow; i++)
                {
                    _queue.RemoveFirst();
                }

                Drop(overflow, "Alert notification queue full, dropping alerts");
            }

            foreach (var alert in relabeled)
            {
                _queue.AddLast(alert);
            }
        }

        // Wake the sender (at most one pending signal, as upstream's `more` channel).
        if (_more.CurrentCount == 0)
        {
            try
            {
                _more.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>Completes once alerts have been queued since the last wait (for a host's send loop).</summary>
    public Task WaitForAlertsAsync(CancellationToken cancellationToken) => _more.WaitAsync(cancellationToken);

    /// <summary>
    /// Sends the next batch (up to 256 alerts) to every Alertmanager. True when every set that had
    /// Alertmanagers took it from at least one of them; otherwise the batch is dropped and counted.
    /// </summary>
    public async Task<BatchOutcome> SendBatchAsync(CancellationToken cancellationToken)
    {
        List<NotifierAlert> batch;
        IReadOnlyList<AlertmanagerSet> sets;
        lock (_gate)
        {
            batch = new List<NotifierAlert>(Math.Min(_queue.Count, _maxBatch));
            while (batch.Count < _maxBatch && _queue.First is { } first)
            {
                batch.Add(first.Value);
                _queue.RemoveFirst();
            }

            sets = _sets;
        }

        if (batch.Count == 0)
        {
            return new BatchOutcome(0, 0, true);
        }

        var started = Stopwatch.GetTimestamp();
        byte[]? shared = null;
        var posts = new List<Task<bool>>();
        var setResults = new List<Task<bool>>();
        foreach (var set in sets)
        {
            var targets = set.Active;
            if (targets.Count == 0)
            {
                continue;
            }

            var alerts = set.Config.AlertRelabelConfigs.Count > 0
                ? AlertRelabeling.Apply(batch, LabelSet.Empty, set.Config.AlertRelabelConfigs)
                : batch;
            if (alerts.Count == 0)
            {
                continue;
            }

            var payload = ReferenceEquals(alerts, batch) ? shared ??= AlertPayload.Encode(batch) : AlertPayload.Encode(alerts);
            var perTarget = targets.Select(url => PostAsync(set, url, payload, alerts.Count, started, cancellationToken)).ToList();
            posts.AddRange(perTarget);
            setResults.Add(AnyAsync(perTarget));
        }

        var covered = (await Task.WhenAll(setResults).ConfigureAwait(false)).All(ok => ok);
        var attempted = posts.Count;
        if (covered)
        {
            if (attempted > 0)
            {
                _delivered.Inc(batch.Count);
            }
        }
        else
        {
            Drop(batch.Count, "Error sending alerts");
        }

        return new BatchOutcome(batch.Count, attempted, covered);
    }

    /// <summary>Sends batches until the queue is empty (the notification flush the hosts run after an evaluation).</summary>
    public async Task<NotificationFlushResult> FlushAsync(CancellationToken cancellationToken)
    {
        var alerts = 0;
        var dropped = 0;
        var batches = 0;
        while (QueueLength > 0)
        {
            var outcome = await SendBatchAsync(cancellationToken).ConfigureAwait(false);
            batches++;
            alerts += outcome.Alerts;
            dropped += outcome.Delivered ? 0 : outcome.Alerts;
        }

        return new NotificationFlushResult(batches, alerts, dropped, Alertmanagers.Count);
    }

    private async Task<bool> PostAsync(AlertmanagerSet set, Uri url, byte[] payload, int count, long started, CancellationToken cancellationToken)
    {
        var error = await set.PostAsync(url, payload, cancellationToken).ConfigureAwait(false);
        var name = url.AbsoluteUri;
        _latency.WithLabels(name).Observe(Stopwatch.GetElapsedTime(started).TotalSeconds);
        _sent.WithLabels(name).Inc(count);
        if (error is null)
        {
            return true;
        }

        _errors.WithLabels(name).Inc(count);
        _log?.Invoke($"Error sending {count} alerts to Alertmanager {name}: {error}");
        return false;
    }

    private static async Task<bool> AnyAsync(List<Task<bool>> posts) => (await Task.WhenAll(posts).ConfigureAwait(false)).Any(ok => ok);

    private void Drop(int count, string reason)
    {
        _dropped.Inc(count);
        _log?.Invoke($"{reason}: {count} dropped");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var set in Volatile.Read(ref _sets))
        {
            await set.DisposeAsync().ConfigureAwait(false);
        }

        _more.Dispose();
    }
}

/// <summary>One batch: how many alerts, how many posts were made, and whether every set took it.</summary>
public readonly record struct BatchOutcome(int Alerts, int Posts, bool Delivered);

/// <summary>What one flush did.</summary>
public sealed record NotificationFlushResult(int Batches, int Alerts, int Dropped, int Alertmanagers);
