using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// One scrape tick: scrapes the targets whose slot falls in the tick and publishes their samples to
/// the bus. The first run prepares what scraping needs (the scrape-state table, the bus's queue),
/// starts discovery from the loaded <c>prometheus.yml</c> and follows its reloads; later runs reuse
/// them. Not retried: a missed tick is covered by the next one.
/// </summary>
public sealed class ScrapeJob(
    ScrapeManager manager,
    DiscoveryManager discovery,
    IPrometheusConfigSource config,
    Func<CancellationToken, Task> prepare,
    ILogger<ScrapeJob> logger) : IJob<ScrapeTick, ScrapeTickResult>, IDisposable
{
    public const string JobName = "Scrape";

    private readonly SemaphoreSlim _startGate = new(1, 1);
    private volatile bool _started;

    public string Name => JobName;

    public RetryPolicy Retry => RetryPolicy.None;

    // The embedded loop ticks every second: its successful ticks are not news.
    public LogLevel SuccessLevel => LogLevel.Debug;

    public async Task<ScrapeTickResult> RunAsync(ScrapeTick input, CancellationToken cancellationToken)
    {
        await EnsureStartedAsync(cancellationToken).ConfigureAwait(false);
        var scrapes = await manager.RunDueAsync(input.At, input.Period, cancellationToken).ConfigureAwait(false);
        var targets = manager.Targets;
        var due = targets.Where(t => t.LastScrape >= input.At).ToList();
        var down = due.Where(t => t.LastReport is { Up: false })
            .Select(t => new TargetDown(t.Target.Job, t.Target.Url.ToString(), t.LastReport!.Error ?? "down"))
            .ToList();

        // A timer slower than a job's interval scrapes that job once per tick, not at its interval.
        var tooFrequent = targets.Select(t => t.Target).Where(t => t.Interval < input.Period).DistinctBy(t => t.Job)
            .Select(t => new TooFrequentJob(t.Job, t.Interval))
            .ToList();
        return new ScrapeTickResult(
            input,
            targets.Count,
            scrapes,
            due.Sum(t => (long)(t.LastReport?.SamplesPostMetricRelabeling ?? 0)),
            down,
            tooFrequent);
    }

    public string Describe(ScrapeTickResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture,
            $"tick {result.Tick.At:O} (period {PrometheusDuration.Format(result.Tick.Period)}): {result.Scrapes} of {result.Targets} targets scraped, {result.Down.Count} down, {result.Samples} samples");
    }

    public IEnumerable<string> Warnings(ScrapeTickResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        foreach (var job in result.TooFrequent)
        {
            yield return $"job {job.Job} scrapes every {PrometheusDuration.Format(job.Interval)}, more often than the timer ticks "
                + $"({PrometheusDuration.Format(result.Tick.Period)}): it is scraped once per tick";
        }
    }

    /// <summary>Prepares storage and the bus and starts discovery, once per process.</summary>
    public async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        await _startGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_started)
            {
                return;
            }

            await prepare(cancellationToken).ConfigureAwait(false);
            await discovery.ApplyAsync(config.LoadInitial(), cancellationToken).ConfigureAwait(false);
            config.Changed += changed => _ = ApplyAsync(changed);
            _started = true;
        }
        finally
        {
            _startGate.Release();
        }
    }

    private async Task ApplyAsync(PrometheusConfig changed)
    {
        try
        {
            await discovery.ApplyAsync(changed, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Applying the reloaded configuration failed");
        }
    }

    public void Dispose() => _startGate.Dispose();
}

/// <summary>What one scrape tick did.</summary>
/// <param name="Tick">The tick.</param>
/// <param name="Targets">Active targets.</param>
/// <param name="Scrapes">Scrapes run in this tick.</param>
/// <param name="Samples">Samples the tick's scrapes kept after metric relabeling.</param>
/// <param name="Down">Targets of this tick whose scrape failed.</param>
/// <param name="TooFrequent">Jobs whose interval is shorter than the tick period.</param>
public sealed record ScrapeTickResult(
    ScrapeTick Tick,
    int Targets,
    int Scrapes,
    long Samples,
    IReadOnlyList<TargetDown> Down,
    IReadOnlyList<TooFrequentJob> TooFrequent);

/// <summary>A target whose scrape failed, and why.</summary>
public sealed record TargetDown(string Job, string Url, string Error);

/// <summary>A job scraped more often than the tick period allows.</summary>
public sealed record TooFrequentJob(string Job, TimeSpan Interval);
