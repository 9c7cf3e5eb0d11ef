using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>
/// What scraping needs before its first tick, done once per process whichever drives the ticks
/// (the embedded loop or the Scrape function): the scrape-state table, the bus's queue, the
/// targets of the loaded <c>prometheus.yml</c>, and applying every later reload to discovery.
/// </summary>
internal sealed class ScrapeStartup(
    PrometheusConfigSource configSource,
    TargetDiscovery discovery,
    SampleBus bus,
    IStorageProvider storage,
    ILogger<ScrapeStartup> logger) : IDisposable
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private volatile bool _started;

    public async Task EnsureStartedAsync(CancellationToken cancellationToken)
    {
        if (_started)
        {
            return;
        }

        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (_started)
            {
                return;
            }

            await storage.GetTableStore(ScrapingRegistration.StateTable).CreateIfNotExistsAsync(cancellationToken);
            await bus.QueueReady;
            await discovery.ApplyAsync(configSource.LoadInitial(), cancellationToken);
            configSource.Changed += changed => _ = ApplyAsync(changed);
            _started = true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task ApplyAsync(PrometheusConfig config)
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

    public void Dispose() => _gate.Dispose();
}
