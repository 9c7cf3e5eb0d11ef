using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Silences;

/// <summary>
/// Alertmanager's <c>silence.Silences</c> and <c>Silencer</c>: <see cref="Set"/> creates or updates
/// (in place only when <see cref="CanUpdate"/> allows; otherwise the old silence expires and the new
/// one gets a fresh ID), <see cref="Expire"/>, <see cref="Query"/> by IDs, states and labels, which
/// silences mute an alert (<see cref="Mutes"/>, recorded in the <see cref="AlertMarker"/>), and
/// <see cref="CollectGarbage"/> of silences expired for longer than the retention. Time comes from the
/// <see cref="TimeProvider"/>. Thread-safe. <see cref="ExportJson"/>/<see cref="ImportJson"/> carry it across a restart.
/// </summary>
public sealed class SilenceStore
{
    /// <summary>Upstream's <c>--data.retention</c> default.</summary>
    public static readonly TimeSpan DefaultRetention = TimeSpan.FromHours(120);

    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _silences = new(StringComparer.Ordinal);
    private readonly TimeProvider _time;
    private readonly TimeSpan _retention;
    private readonly Func<string> _newId;
    private readonly AlertMarker? _marker;

    public SilenceStore(TimeProvider time, TimeSpan? retention = null, AlertMarker? marker = null, Func<string>? newId = null)
    {
        ArgumentNullException.ThrowIfNull(time);
        _time = time;
        _retention = retention ?? DefaultRetention;
        _marker = marker;
        _newId = newId ?? (() => Guid.NewGuid().ToString());
    }

    /// <summary>Grows on every change (upstream's version, which lets callers cache matches).</summary>
    public long Version { get; private set; }

    private DateTimeOffset Now => _time.GetUtcNow();

    /// <summary>
    /// Creates a silence (empty ID) or updates one, returning its ID: the same one when updated in
    /// place, a new one when the old had to be expired and replaced. A new silence never starts in the past.
    /// </summary>
    /// <exception cref="SilenceException">Unknown ID, or invalid (<c>silence invalid: …</c>).</exception>
    public string Set(Silence silence)
    {
        ArgumentNullException.ThrowIfNull(silence);
        lock (_lock)
        {
            var now = Now;
            Entry? prev = null;
            if (silence.Id.Length > 0 && !_silences.TryGetValue(silence.Id, out prev))
            {
                throw SilenceException.NotFoundError();
            }

            if (prev is not null)
            {
                if (CanUpdate(prev.Silence, silence, now))
                {
                    Store(silence, now);
                    return silence.Id;
                }

                if (prev.Silence.StateAt(now) != SilenceState.Expired)
                {
                    ExpireLocked(prev.Silence.Id, now);
                }
            }

            var replacement = silence with
            {
                Id = _newId(),
                StartsAt = silence.StartsAt < now ? now : silence.StartsAt,
            };
            Store(replacement, now);
            return replacement.Id;
        }
    }

    /// <summary>
    /// Upstream's <c>canUpdate</c>: same matchers, and an active silence keeps its start (to the second)
    /// and does not end in the past; a pending one does not start in the past; an expired one never.
    /// </summary>
    public static bool CanUpdate(Silence current, Silence update, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(update);
        if (!current.SameMatchers(update))
        {
            return false;
        }

        return current.StateAt(now) switch
        {
            SilenceState.Active => update.StartsAt.ToUnixTimeSeconds() == current.StartsAt.ToUnixTimeSeconds() && update.EndsAt >= now,
            SilenceState.Pending => update.StartsAt >= now,
            _ => false,
        };
    }

    /// <summary>Ends a silence now (a pending one starts and ends now); an expired one stays as it is.</summary>
    /// <exception cref="SilenceException">Unknown ID.</exception>
    public void Expire(string id)
    {
        ArgumentNullException.ThrowIfNull(id);
        lock (_lock)
        {
            ExpireLocked(id, Now);
        }
    }

    private void ExpireLocked(string id, DateTimeOffset now)
    {
        if (!_silences.TryGetValue(id, out var entry))
        {
            throw SilenceException.NotFoundError();
        }

        var s = entry.Silence;
        switch (s.StateAt(now))
        {
            case SilenceState.Active:
                Store(s with { EndsAt = now }, now);
                break;
            case SilenceState.Pending:
                Store(s with { StartsAt = now, EndsAt = now }, now);
                break;
        }
    }

    private void Store(Silence silence, DateTimeOffset now)
    {
        var stamped = silence with { UpdatedAt = now };
        if (SilenceValidation.Validate(stamped) is { } error)
        {
            throw new SilenceException("silence invalid: " + error);
        }

        _silences[stamped.Id] = new Entry(stamped, [.. stamped.Matchers.Select(m => m.ToLabelMatcher())], stamped.EndsAt + _retention);
        Version++;
    }

    public Silence? Get(string id)
    {
        lock (_lock)
        {
            return _silences.TryGetValue(id, out var e) ? e.Silence : null;
        }
    }

    /// <summary>
    /// Silences that pass every given filter (upstream's <c>QIDs</c>, <c>QState</c>, <c>QMatches</c>), in ID order.
    /// </summary>
    public IReadOnlyList<Silence> Query(IReadOnlyCollection<string>? ids = null, IReadOnlyCollection<SilenceState>? states = null, LabelSet? matches = null)
    {
        lock (_lock)
        {
            var now = Now;
            IEnumerable<Entry> entries = ids is null
                ? _silences.Values
                : ids.Where(_silences.ContainsKey).Select(id => _silences[id]);
            return [.. entries
                .Where(e => states is null || states.Contains(e.Silence.StateAt(now)))
                .Where(e => matches is null || e.Matches(matches))
                .Select(e => e.Silence)
                .OrderBy(s => s.Id, StringComparer.Ordinal)];
        }
    }

    /// <summary>
    /// The API's <c>filter</c> on silences (<c>CheckSilenceMatchesFilterLabels</c>): every filter matcher
    /// must equal one of the silence's matchers (name, type and value), not match its labels.
    /// </summary>
    public static bool MatchesFilter(Silence silence, IEnumerable<LabelMatcher> filter)
    {
        ArgumentNullException.ThrowIfNull(silence);
        ArgumentNullException.ThrowIfNull(filter);
        return filter.All(f => silence.Matchers.Any(m =>
            m.Type == f.Type && string.Equals(m.Name, f.Name, StringComparison.Ordinal) && string.Equals(m.Pattern, f.Value, StringComparison.Ordinal)));
    }

    /// <summary>
    /// The active silences that mute these labels now, sorted by ID (empty: not silenced). Records them,
    /// and the pending ones that match, in the marker.
    /// </summary>
    public IReadOnlyList<string> Mutes(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var matching = Query(states: [SilenceState.Active, SilenceState.Pending], matches: labels);
        var now = Now;
        var active = matching.Where(s => s.StateAt(now) == SilenceState.Active).Select(s => s.Id).ToList();
        var pending = matching.Where(s => s.StateAt(now) == SilenceState.Pending).Select(s => s.Id).ToList();
        _marker?.SetSilenced(AlertFingerprint.Of(labels), active, pending);
        return active;
    }

    /// <summary>Deletes silences whose end is at least the retention ago; returns how many.</summary>
    public int CollectGarbage()
    {
        lock (_lock)
        {
            var now = Now;
            var expired = _silences.Values.Where(e => e.ExpiresAt <= now).Select(e => e.Silence.Id).ToList();
            foreach (var id in expired)
            {
                _silences.Remove(id);
            }

            if (expired.Count > 0)
            {
                Version++;
            }

            return expired.Count;
        }
    }

    public string ExportJson()
    {
        lock (_lock)
        {
            return new SilenceStoreState
            {
                Silences = [.. _silences.Values.OrderBy(e => e.Silence.Id, StringComparer.Ordinal).Select(e => SilenceJson.From(e.Silence))],
            }.ToJson();
        }
    }

    /// <summary>Replaces the silences with an export; silences that fail validation are refused as a whole.</summary>
    /// <exception cref="System.Text.Json.JsonException">Not an export of this format, or an invalid silence in it.</exception>
    public void ImportJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var silences = SilenceStoreState.FromJson(json).Silences.Select(s => s.ToSilence()).ToList();
        foreach (var s in silences)
        {
            if (SilenceValidation.Validate(s) is { } error)
            {
                throw new System.Text.Json.JsonException($"silence {s.Id}: {error}");
            }
        }

        lock (_lock)
        {
            _silences.Clear();
            foreach (var s in silences)
            {
                _silences[s.Id] = new Entry(s, [.. s.Matchers.Select(m => m.ToLabelMatcher())], s.EndsAt + _retention);
            }

            Version++;
        }
    }

    private sealed record Entry(Silence Silence, IReadOnlyList<LabelMatcher> Compiled, DateTimeOffset ExpiresAt)
    {
        public bool Matches(LabelSet labels) => Compiled.All(m => m.Matches(labels));
    }
}
