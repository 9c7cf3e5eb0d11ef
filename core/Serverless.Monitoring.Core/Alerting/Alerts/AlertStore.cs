using System.Threading.Channels;

namespace Serverless.Monitoring.Core.Alerting.Alerts;

/// <summary>
/// The router's alerts by fingerprint (Alertmanager's <c>provider/mem</c>): <see cref="Put"/> merges
/// an alert with the stored one when their activity overlaps (<see cref="AlertMerge"/>) and tells
/// every subscriber; <see cref="CollectResolved"/> drops resolved alerts (upstream's periodic GC).
/// Thread-safe. <see cref="ExportJson"/>/<see cref="ImportJson"/> carry it across a restart.
/// </summary>
public sealed class AlertStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<ulong, Alert> _alerts = [];
    private readonly List<AlertSubscription> _subscribers = [];

    /// <summary>Stores alerts that <see cref="AlertPosting.Prepare"/> accepted; returns them as stored (merged).</summary>
    public IReadOnlyList<Alert> Put(IEnumerable<Alert> alerts, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(alerts);
        var stored = new List<Alert>();
        lock (_lock)
        {
            foreach (var incoming in alerts)
            {
                var alert = incoming;
                var fp = alert.Fingerprint;
                if (_alerts.TryGetValue(fp, out var old) && AlertMerge.Overlaps(old, alert))
                {
                    alert = AlertMerge.Merge(old, alert, now);
                }

                _alerts[fp] = alert;
                stored.Add(alert);
                foreach (var s in _subscribers)
                {
                    s.Write(alert);
                }
            }
        }

        return stored;
    }

    public Alert? Get(ulong fingerprint)
    {
        lock (_lock)
        {
            return _alerts.GetValueOrDefault(fingerprint);
        }
    }

    /// <summary>Every stored alert, in fingerprint order (stable for tests and the API).</summary>
    public IReadOnlyList<Alert> List()
    {
        lock (_lock)
        {
            return [.. _alerts.OrderBy(kv => kv.Key).Select(kv => kv.Value)];
        }
    }

    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _alerts.Count;
            }
        }
    }

    /// <summary>Removes the alerts resolved at <paramref name="now"/> and returns them (to clear their marker).</summary>
    public IReadOnlyList<Alert> CollectResolved(DateTimeOffset now)
    {
        lock (_lock)
        {
            var resolved = _alerts.Values.Where(a => a.ResolvedAt(now)).OrderBy(a => a.Fingerprint).ToList();
            foreach (var a in resolved)
            {
                _alerts.Remove(a.Fingerprint);
            }

            return resolved;
        }
    }

    /// <summary>
    /// Every stored alert, then each alert as it is put (upstream's <c>Subscribe</c>): what the
    /// dispatcher and the inhibitor read. Dispose to stop.
    /// </summary>
    public AlertSubscription Subscribe()
    {
        lock (_lock)
        {
            var subscription = new AlertSubscription(this);
            foreach (var a in _alerts.Values.OrderBy(a => a.Fingerprint))
            {
                subscription.Write(a);
            }

            _subscribers.Add(subscription);
            return subscription;
        }
    }

    internal void Unsubscribe(AlertSubscription subscription)
    {
        lock (_lock)
        {
            _subscribers.Remove(subscription);
        }
    }

    public string ExportJson()
    {
        lock (_lock)
        {
            return new AlertStoreState { Alerts = [.. _alerts.Values.OrderBy(a => a.Fingerprint).Select(AlertJson.From)] }.ToJson();
        }
    }

    /// <summary>Replaces the content with an export; subscribers are not told (import happens before they start).</summary>
    /// <exception cref="System.Text.Json.JsonException">Not an export of this format.</exception>
    public void ImportJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var state = AlertStoreState.FromJson(json);
        lock (_lock)
        {
            _alerts.Clear();
            foreach (var a in state.Alerts)
            {
                var alert = a.ToAlert();
                _alerts[alert.Fingerprint] = alert;
            }
        }
    }
}

/// <summary>The alerts a subscriber has yet to read; unbounded, so a put never waits on a reader.</summary>
public sealed class AlertSubscription : IDisposable
{
    private readonly AlertStore _store;
    private readonly Channel<Alert> _channel = Channel.CreateUnbounded<Alert>(new UnboundedChannelOptions { SingleReader = true });

    internal AlertSubscription(AlertStore store) => _store = store;

    public ChannelReader<Alert> Alerts => _channel.Reader;

    internal void Write(Alert alert) => _channel.Writer.TryWrite(alert);

    public void Dispose()
    {
        _store.Unsubscribe(this);
        _channel.Writer.TryComplete();
    }
}
