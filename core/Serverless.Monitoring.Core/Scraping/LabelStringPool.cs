using System.Collections.Concurrent;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// Hands out one instance per distinct label name or value across the scrape loops of a
/// process. Targets of one exporter repeat the same metric names, label names and most values,
/// and each loop's series cache would otherwise keep its own copies (with 1,000 node_exporters,
/// about a third of the cache's memory). Bounded: when it holds <c>capacity</c> strings it
/// starts over, so churning label values cannot grow it without limit. Thread-safe.
/// </summary>
public sealed class LabelStringPool
{
    private readonly ConcurrentDictionary<string, string> _strings = new(StringComparer.Ordinal);
    private readonly int _capacity;
    private readonly int _maxLength;
    private int _count;

    /// <param name="capacity">Strings held before the pool starts over.</param>
    /// <param name="maxLength">Longer strings are not pooled (they are rarely shared).</param>
    public LabelStringPool(int capacity = 1 << 18, int maxLength = 256)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        _capacity = capacity;
        _maxLength = maxLength;
    }

    /// <summary>Strings held now.</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>The pooled instance equal to <paramref name="value"/> (<paramref name="value"/> itself when it is new).</summary>
    public string Get(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        if (value.Length > _maxLength || value.Length == 0)
        {
            return value;
        }

        if (_strings.TryGetValue(value, out var known))
        {
            return known;
        }

        if (Interlocked.Increment(ref _count) > _capacity)
        {
            // Start over; strings in use stay alive through their label sets.
            _strings.Clear();
            Volatile.Write(ref _count, 1);
        }

        return _strings.GetOrAdd(value, value);
    }
}
