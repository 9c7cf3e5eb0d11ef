using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Core.Discovery;

/// <summary>
/// Keeps each scrape config's targets current: its static groups plus what its file_sd files
/// hold (re-read as they change) and its http_sd URLs answer (re-fetched every refresh interval), turned into targets by <see cref="TargetBuilder"/> and handed
/// to the <see cref="ScrapeManager"/>. A new config replaces everything; targets that stay keep
/// their scrape state.
/// </summary>
public sealed class DiscoveryManager(ScrapeManager manager, ILogger<DiscoveryManager> logger) : IAsyncDisposable
{
    private readonly Lock _gate = new();
    private List<Job> _jobs = [];

    /// <summary>Each scrape config's active and dropped targets, by job name.</summary>
    public IReadOnlyDictionary<string, TargetSet> Targets
    {
        get
        {
            lock (_gate)
            {
                return _jobs.ToDictionary(j => j.Config.JobName, j => j.Targets, StringComparer.Ordinal);
            }
        }
    }

    public async Task ApplyAsync(PrometheusConfig config, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(config);
        var jobs = new List<Job>();
        foreach (var scrapeConfig in config.ScrapeConfigs)
        {
            var job = new Job(scrapeConfig);
            foreach (var fileSd in scrapeConfig.FileSdConfigs)
            {
                var watcher = new FileSdWatcher(fileSd);
                watcher.Changed += _ => Rebuild(job);
                job.Watchers.Add(watcher);
                await watcher.StartAsync(cancellationToken);
            }

            foreach (var httpSd in scrapeConfig.HttpSdConfigs)
            {
                var watcher = new HttpSdWatcher(httpSd);
                watcher.Changed += _ => Rebuild(job);
                job.HttpWatchers.Add(watcher);
                await watcher.StartAsync(cancellationToken);
                if (watcher.LastError is { } error)
                {
                    logger.LogWarning("Job {Job}: http_sd {Url}: {Error}", scrapeConfig.JobName, httpSd.Url, error);
                }
            }

            job.Targets = Build(job);
            jobs.Add(job);
        }

        List<Job> old;
        lock (_gate)
        {
            old = _jobs;
            _jobs = jobs;
        }

        Publish();
        foreach (var job in old)
        {
            await job.DisposeAsync();
        }
    }

    private void Rebuild(Job job)
    {
        lock (_gate)
        {
            if (!_jobs.Contains(job))
            {
                return;
            }

            job.Targets = Build(job);
        }

        Publish();
    }

    private static TargetSet Build(Job job) =>
        TargetBuilder.Build(job.Config, job.Config.StaticConfigs.Concat(job.Watchers.SelectMany(w => w.Current)).Concat(job.HttpWatchers.SelectMany(w => w.Current)));

    private void Publish()
    {
        lock (_gate)
        {
            manager.SetTargets(_jobs.SelectMany(j => j.Targets.Active));
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var job in _jobs)
        {
            await job.DisposeAsync();
        }
    }

    private sealed class Job(ScrapeConfig config) : IAsyncDisposable
    {
        public ScrapeConfig Config { get; } = config;

        public List<FileSdWatcher> Watchers { get; } = [];

        public List<HttpSdWatcher> HttpWatchers { get; } = [];

        public TargetSet Targets { get; set; } = new([], []);

        public async ValueTask DisposeAsync()
        {
            foreach (var watcher in Watchers)
            {
                await watcher.DisposeAsync();
            }

            foreach (var watcher in HttpWatchers)
            {
                await watcher.DisposeAsync();
            }
        }
    }
}
