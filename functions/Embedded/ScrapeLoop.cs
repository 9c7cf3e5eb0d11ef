using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>
/// Drives the Scrape job every second (the Scrape function does the same on its timer): each tick
/// scrapes the targets whose slot falls in that second. Ticks may overlap; a target's own scrapes never do.
/// </summary>
internal sealed class ScrapeLoop(
    PrometheusConfigSource configSource,
    JobRunner runner,
    ScrapeJob job,
    IOptions<ScrapeOptions> options,
    TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Only the file is read here; storage is first touched in the background, after Kestrel binds.
        configSource.LoadInitial();
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        // Targets show in /api/v1/targets from the start, not from the first tick.
        await job.EnsureStartedAsync(stoppingToken);
        var running = new List<Task>();
        var next = Floor(time.GetUtcNow()) + Tick;
        while (!stoppingToken.IsCancellationRequested)
        {
            var wait = next - time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                try
                {
                    await Task.Delay(wait, time, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }

            running.RemoveAll(t => t.IsCompleted);
            running.Add(RunTickAsync(new ScrapeTick(next, Tick), stoppingToken));
            next += Tick;
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunTickAsync(ScrapeTick tick, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(job, tick, cancellationToken);
        }
        catch (Exception)
        {
            // The runner has logged the failure (or the host is stopping); the next tick tries again.
        }
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.Ticks - (t.Ticks % Tick.Ticks), TimeSpan.Zero);
}
