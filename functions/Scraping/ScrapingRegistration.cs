using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>
/// Registers scraping and the sample bus for both hosts: the running <c>prometheus.yml</c>, the bus,
/// the scrape manager and discovery, and the Scrape and Ingest jobs that the embedded loops and the
/// function classes run.
/// </summary>
internal static class ScrapingRegistration
{
    /// <summary>The table that keeps each target's previous series (for staleness across restarts and invocations).</summary>
    public const string StateTable = "scrapestate";

    public static IServiceCollection AddMonitoringScraping(this IServiceCollection services)
    {
        services.AddSingleton<PrometheusConfigSource>();
        services.AddSingleton<IPrometheusConfigSource>(static provider => provider.GetRequiredService<PrometheusConfigSource>());
        services.AddSingleton<SampleBus>();
        services.AddSingleton(static provider =>
        {
            var bus = provider.GetRequiredService<SampleBus>();
            var logger = provider.GetRequiredService<ILogger<ScrapeManager>>();
            var client = new HttpClient(HttpScraper.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
            return new ScrapeManager(
                new HttpScraper(client, $"{MonitoringHost.ProductName}/{BuildInfo.Current.Version}"),
                async (key, series, cancellationToken) =>
                {
                    await bus.QueueReady;
                    await bus.Publisher.PublishAsync(key, series, cancellationToken);
                },
                new TableScrapeStateStore(provider.GetRequiredService<IStorageProvider>().GetTableStore(StateTable)),
                provider.GetRequiredService<TimeProvider>(),
                message => logger.LogWarning("{Message}", message));
        });
        services.AddSingleton<DiscoveryManager>();
        services.AddSingleton(static provider =>
        {
            var storage = provider.GetRequiredService<IStorageProvider>();
            var bus = provider.GetRequiredService<SampleBus>();
            return new ScrapeJob(
                provider.GetRequiredService<ScrapeManager>(),
                provider.GetRequiredService<DiscoveryManager>(),
                provider.GetRequiredService<IPrometheusConfigSource>(),
                async cancellationToken =>
                {
                    await storage.GetTableStore(StateTable).CreateIfNotExistsAsync(cancellationToken);
                    await bus.QueueReady.WaitAsync(cancellationToken);
                },
                provider.GetRequiredService<ILogger<ScrapeJob>>());
        });

        // One ingest processor per process, with its metrics and log, opened with the storage engine on first use.
        services.AddSingleton(static provider =>
        {
            var engines = provider.GetRequiredService<StorageEngineAccessor>();
            var metrics = provider.GetRequiredService<MetricRegistry>();
            var logger = provider.GetRequiredService<ILogger<IngestProcessor>>();
            var processor = new Lazy<Task<IngestProcessor>>(async () =>
                new IngestProcessor(await engines.GetAsync(), metrics, log: message => logger.LogWarning("{Message}", message)));
            return new IngestJob(() => processor.Value);
        });
        return services;
    }
}
