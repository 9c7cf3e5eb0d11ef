using System.Collections.Concurrent;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>Previous series kept in this process only (tests, and hosts that never lose their scrape loops).</summary>
public sealed class InMemoryScrapeStateStore : IScrapeStateStore
{
    private readonly ConcurrentDictionary<string, SavedScrapeState> _states = new(StringComparer.Ordinal);

    public Task<SavedScrapeState?> LoadAsync(string targetKey, CancellationToken cancellationToken) =>
        Task.FromResult(_states.GetValueOrDefault(targetKey));

    public Task SaveAsync(string targetKey, IReadOnlyCollection<LabelSet> series, ulong fingerprint, CancellationToken cancellationToken)
    {
        _states[targetKey] = new SavedScrapeState([.. series], fingerprint);
        return Task.CompletedTask;
    }

    public Task DeleteAsync(string targetKey, CancellationToken cancellationToken)
    {
        _states.TryRemove(targetKey, out _);
        return Task.CompletedTask;
    }
}
