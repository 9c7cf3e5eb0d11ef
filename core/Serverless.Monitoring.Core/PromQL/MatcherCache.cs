using System.Collections.Concurrent;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// Shares regex matchers between parses: building a non-backtracking <see cref="System.Text.RegularExpressions.Regex"/>
/// costs far more than parsing the rest of a query, and dashboards send the same selectors
/// over and over. Matchers are immutable, so sharing is safe. Bounded: cleared when full.
/// </summary>
internal static class MatcherCache
{
    private const int Capacity = 4096;
    private static readonly ConcurrentDictionary<(LabelMatchType Type, string Name, string Value), LabelMatcher> Cache = new();

    public static LabelMatcher GetOrCreate(LabelMatchType type, string name, string value)
    {
        if (Cache.TryGetValue((type, name, value), out var cached))
        {
            return cached;
        }

        var created = LabelMatcher.Create(type, name, value);
        if (Cache.Count >= Capacity)
        {
            Cache.Clear();
        }

        Cache.TryAdd((type, name, value), created);
        return created;
    }
}
