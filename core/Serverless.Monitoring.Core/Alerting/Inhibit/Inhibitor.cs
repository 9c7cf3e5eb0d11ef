using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Inhibit;

/// <summary>
/// Alertmanager's <c>inhibit.Inhibitor</c>: each rule keeps the latest version of every alert that
/// matches its source side (fed by <see cref="Observe"/> from the alert store's subscription), and
/// <see cref="Mutes"/> looks for a firing one with equal <c>equal</c> labels. When the alert being
/// checked matches both sides of a rule, sources that also match both sides do not count (so an
/// alert never inhibits itself). Rules are tried in order; the first that inhibits wins. Thread-safe.
/// </summary>
public sealed class Inhibitor
{
    private readonly Lock _lock = new();
    private readonly IReadOnlyList<InhibitRule> _rules;
    private readonly Dictionary<ulong, Alert>[] _sources;
    private readonly AlertMarker? _marker;

    public Inhibitor(IReadOnlyList<InhibitRule> rules, AlertMarker? marker = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        _rules = rules;
        _marker = marker;
        _sources = [.. rules.Select(_ => new Dictionary<ulong, Alert>())];
    }

    /// <summary>Takes note of an alert as stored (new, updated or resolved).</summary>
    public void Observe(Alert alert)
    {
        ArgumentNullException.ThrowIfNull(alert);
        lock (_lock)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                if (_rules[i].MatchesSource(alert.Labels))
                {
                    _sources[i][alert.Fingerprint] = alert;
                }
            }
        }
    }

    /// <summary>Forgets source alerts resolved at <paramref name="now"/> (upstream's cache GC).</summary>
    public void CollectResolved(DateTimeOffset now)
    {
        lock (_lock)
        {
            foreach (var cache in _sources)
            {
                foreach (var fp in cache.Where(kv => kv.Value.ResolvedAt(now)).Select(kv => kv.Key).ToList())
                {
                    cache.Remove(fp);
                }
            }
        }
    }

    /// <summary>True when an alert with these labels is inhibited at <paramref name="now"/>; records the inhibitor in the marker.</summary>
    public bool Mutes(LabelSet labels, DateTimeOffset now) => InhibitedBy(labels, now) is not null;

    /// <summary>The fingerprint of the source alert that inhibits these labels, or null.</summary>
    public ulong? InhibitedBy(LabelSet labels, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var fp = AlertFingerprint.Of(labels);
        lock (_lock)
        {
            for (var i = 0; i < _rules.Count; i++)
            {
                var rule = _rules[i];
                if (!rule.MatchesTarget(labels))
                {
                    continue;
                }

                var excludeTwoSided = rule.MatchesSource(labels);
                foreach (var source in _sources[i].Values.OrderBy(a => a.Fingerprint))
                {
                    if (source.ResolvedAt(now) || !rule.EqualOn(source.Labels, labels))
                    {
                        continue;
                    }

                    if (excludeTwoSided && rule.MatchesTarget(source.Labels))
                    {
                        continue;
                    }

                    _marker?.SetInhibited(fp, [AlertFingerprint.Format(source.Fingerprint)]);
                    return source.Fingerprint;
                }
            }
        }

        _marker?.SetInhibited(fp, []);
        return null;
    }
}
