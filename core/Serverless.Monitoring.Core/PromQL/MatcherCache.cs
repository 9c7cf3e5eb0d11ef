using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// Shares compiled regexes between queries: building a <see cref="Regex"/> costs far more than
/// parsing or evaluating the rest of a typical query, and dashboards send the same queries over
/// and over. Regex matchers (by type, name and pattern) and <c>label_replace</c> patterns are
/// immutable once built, so sharing is safe. Bounded: a cache is cleared when full.
/// </summary>
internal static class MatcherCache
{
    private const int Capacity = 4096;
    private static readonly ConcurrentDictionary<(LabelMatchType Type, string Name, string Value), LabelMatcher> Matchers = new();
    private static readonly ConcurrentDictionary<string, Regex> Patterns = new(StringComparer.Ordinal);

    public static LabelMatcher GetOrCreate(LabelMatchType type, string name, string value) =>
        GetOrCreate(Matchers, (type, name, value), static key => LabelMatcher.Create(key.Item1, key.Item2, key.Item3));

    /// <summary>A fully anchored regex for an already translated pattern; creating it may throw <see cref="ArgumentException"/> (not cached then).</summary>
    public static Regex GetOrCreateAnchored(string translatedPattern) =>
        GetOrCreate(Patterns, translatedPattern, static pattern => new Regex("^(?:" + pattern + ")$", RegexOptions.Singleline | RegexOptions.CultureInvariant));

    private static TValue GetOrCreate<TKey, TValue>(ConcurrentDictionary<TKey, TValue> cache, TKey key, Func<TKey, TValue> create)
        where TKey : notnull
    {
        if (cache.TryGetValue(key, out var cached))
        {
            return cached;
        }

        var created = create(key);
        if (cache.Count >= Capacity)
        {
            cache.Clear();
        }

        cache.TryAdd(key, created);
        return created;
    }
}
