using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Monitoring.Core.Alerting.NotificationLog;

/// <summary>
/// Alertmanager's notification log (<c>nflog</c>): per group key and receiver integration, the last
/// notification's firing and resolved alert hashes and time. An entry is kept for the retention, or
/// <c>expiry</c> (twice the repeat interval) when that is shorter; <see cref="CollectGarbage"/> drops
/// expired entries. An older entry never overwrites a newer one. Thread-safe; exportable as JSON.
/// </summary>
public sealed class NotificationLogStore
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, NotificationEntry> _entries = new(StringComparer.Ordinal);
    private readonly TimeSpan _retention;

    public NotificationLogStore(TimeSpan? retention = null) => _retention = retention ?? TimeSpan.FromHours(120);

    private static string Key(string groupKey, NotificationReceiver receiver) => groupKey + ":" + receiver;

    public void Log(NotificationReceiver receiver, string groupKey, IEnumerable<ulong> firing, IEnumerable<ulong> resolved, TimeSpan expiry, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(receiver);
        ArgumentNullException.ThrowIfNull(groupKey);
        var key = Key(groupKey, receiver);
        lock (_lock)
        {
            if (_entries.TryGetValue(key, out var prev) && prev.Timestamp > now)
            {
                return;
            }

            var expiresAt = expiry > TimeSpan.Zero && _retention > expiry ? now + expiry : now + _retention;
            _entries[key] = new NotificationEntry(groupKey, receiver, firing.ToHashSet(), resolved.ToHashSet(), now, expiresAt);
        }
    }

    /// <summary>The entry for a group and receiver integration (expired but not yet collected ones too, as upstream).</summary>
    public NotificationEntry? Query(string groupKey, NotificationReceiver receiver)
    {
        lock (_lock)
        {
            return _entries.GetValueOrDefault(Key(groupKey, receiver));
        }
    }

    public int CollectGarbage(DateTimeOffset now)
    {
        lock (_lock)
        {
            var expired = _entries.Where(kv => kv.Value.ExpiresAt <= now).Select(kv => kv.Key).ToList();
            foreach (var k in expired)
            {
                _entries.Remove(k);
            }

            return expired.Count;
        }
    }

    public string ExportJson()
    {
        lock (_lock)
        {
            var state = new NotificationLogState
            {
                Entries = [.. _entries.OrderBy(kv => kv.Key, StringComparer.Ordinal).Select(kv => new EntryJson(
                    kv.Value.GroupKey, kv.Value.Receiver.GroupName, kv.Value.Receiver.Integration, kv.Value.Receiver.Index,
                    [.. kv.Value.FiringAlerts.Order()], [.. kv.Value.ResolvedAlerts.Order()], kv.Value.Timestamp, kv.Value.ExpiresAt))],
            };
            return JsonSerializer.Serialize(state, NotificationLogJsonContext.Default.NotificationLogState);
        }
    }

    /// <exception cref="JsonException">Not an export of this format.</exception>
    public void ImportJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var state = JsonSerializer.Deserialize(json, NotificationLogJsonContext.Default.NotificationLogState)
            ?? throw new JsonException("null notification log state");
        if (state.Version != NotificationLogState.CurrentVersion)
        {
            throw new JsonException($"unsupported notification log state version {state.Version}");
        }

        lock (_lock)
        {
            _entries.Clear();
            foreach (var e in state.Entries)
            {
                var receiver = new NotificationReceiver(e.Receiver, e.Integration, e.Index);
                _entries[Key(e.GroupKey, receiver)] = new NotificationEntry(
                    e.GroupKey, receiver, e.Firing.ToHashSet(), e.Resolved.ToHashSet(), e.Timestamp, e.ExpiresAt);
            }
        }
    }
}

internal sealed record NotificationLogState
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required IReadOnlyList<EntryJson> Entries { get; init; }
}

internal sealed record EntryJson(
    string GroupKey,
    string Receiver,
    string Integration,
    int Index,
    IReadOnlyList<ulong> Firing,
    IReadOnlyList<ulong> Resolved,
    DateTimeOffset Timestamp,
    DateTimeOffset ExpiresAt);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase)]
[JsonSerializable(typeof(NotificationLogState))]
internal sealed partial class NotificationLogJsonContext : JsonSerializerContext;
