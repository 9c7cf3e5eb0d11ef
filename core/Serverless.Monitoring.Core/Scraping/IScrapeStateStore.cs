using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// Where each target's previous series live between scrapes, so that staleness markers survive
/// the end of a Functions invocation or a restart.
/// </summary>
public interface IScrapeStateStore
{
    /// <summary>The saved series of <paramref name="targetKey"/> and their fingerprint, or null when none are saved.</summary>
    Task<SavedScrapeState?> LoadAsync(string targetKey, CancellationToken cancellationToken);

    Task SaveAsync(string targetKey, IReadOnlyCollection<LabelSet> series, ulong fingerprint, CancellationToken cancellationToken);

    Task DeleteAsync(string targetKey, CancellationToken cancellationToken);
}

/// <summary>A target's series as of its latest scrape.</summary>
public sealed record SavedScrapeState(IReadOnlyList<LabelSet> Series, ulong Fingerprint);
