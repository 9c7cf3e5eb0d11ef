using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>
/// The embedded Scrape loop: loads <c>prometheus.yml</c>, keeps the targets current, and every
/// second runs the scrapes whose slot falls in that second (the same tick the Scrape function
/// runs on its timer, with a one-second period).
/// </summary>
internal sealed class ScrapeHostedService(
    PrometheusConfigSource configSource,
    TargetDiscovery discovery,
    ScrapeManager manager,
    IOptions<ScrapeOptions> options,
    Core.Ports.IStorageProvider storage,
    TimeProvider time,
    ILogger<ScrapeHostedService> logger) : BackgroundService
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

        await storage.GetTableStore(ScrapingRegistration.StateTable).CreateIfNotExistsAsync(stoppingToken);
        configSource.Changed += changed => _ = ApplyAsync(changed);
        await discovery.ApplyAsync(configSource.Current, stoppingToken);
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
            running.Add(RunTickAsync(next, stoppingToken));
            next += Tick;
        }

        await Task.WhenAll(running).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private async Task RunTickAsync(DateTimeOffset tick, CancellationToken cancellationToken)
    {
        try
        {
            await manager.RunDueAsync(tick, Tick, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Scrape tick {Tick:o} failed", tick);
        }
    }

    private async Task ApplyAsync(Core.Config.PrometheusConfig config)
    {
        try
        {
            await discovery.ApplyAsync(config, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Applying the reloaded configuration failed");
        }
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.Ticks - (t.Ticks % Tick.Ticks), TimeSpan.Zero);
}
