using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>Registers the embedded Scrape and Ingest loops and what they share.</summary>
internal static class ScrapingRegistration
{
    /// <summary>The table that keeps each target's previous series (for staleness across restarts and invocations).</summary>
    public const string StateTable = "scrapestate";

    public static IServiceCollection AddMonitoringScraping(this IServiceCollection services)
    {
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton<PrometheusConfigSource>();
        services.AddSingleton<SampleBus>();
        services.AddSingleton(provider =>
        {
            var bus = provider.GetRequiredService<SampleBus>();
            var logger = provider.GetRequiredService<ILogger<ScrapeManager>>();
            var client = new HttpClient(HttpScraper.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
            return new ScrapeManager(
                new HttpScraper(client, $"{Hosting.MonitoringHost.ProductName}/{Hosting.BuildInfo.Current.Version}"),
                async (key, series, cancellationToken) =>
                {
                    await bus.QueueReady;
                    await bus.Publisher.PublishAsync(key, series, cancellationToken);
                },
                new TableScrapeStateStore(provider.GetRequiredService<IStorageProvider>().GetTableStore(StateTable)),
                provider.GetRequiredService<TimeProvider>(),
                message => logger.LogWarning("{Message}", message));
        });
        services.AddSingleton<TargetDiscovery>();
        services.AddSingleton<ScrapeStartup>();
        services.AddHostedService<ScrapeHostedService>();
        services.AddHostedService<IngestHostedService>();
        services.AddHostedService<StorageMaintenanceService>();
        return services;
    }
}
