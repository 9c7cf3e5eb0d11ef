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
    ScrapeStartup startup,
    ScrapeManager manager,
    IOptions<ScrapeOptions> options,
    HostingMode mode,
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
        // As a custom handler the Scrape timer drives the same ticks (Invocations/ScrapeInvocation).
        if (!options.Value.Enabled || mode.IsCustomHandler)
        {
            return;
        }

        await startup.EnsureStartedAsync(stoppingToken);
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

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.Ticks - (t.Ticks % Tick.Ticks), TimeSpan.Zero);
}
