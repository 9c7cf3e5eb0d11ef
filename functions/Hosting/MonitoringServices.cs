using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Storage.Compaction;
using Serverless.Monitoring.Core.Storage.Retention;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Functions.Api;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The one composition of the app's services, for both hosts: options, storage, metrics, the
/// sample bus, scraping, the jobs and their runner, and the HTTP API. The embedded server adds its
/// listener and loops (<see cref="MonitoringHost"/>); the Functions worker adds its function
/// classes (<see cref="FunctionsWorkerHost"/>). Nothing here does I/O when it is built.
/// </summary>
internal static class MonitoringServices
{
    public static IServiceCollection AddMonitoringServices(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddSingleton(TimeProvider.System);
        services.AddMonitoringOptions();
        services.AddMonitoringStorage();
        services.AddSingleton<StorageEngineAccessor>();
        services.AddSingleton(BuildInfo.Current);
        services.AddSingleton<ReadinessState>();
        services.AddHostedService<ReadinessOnStart>();
        services.AddSingleton(static provider =>
        {
            var registry = new MetricRegistry();
            ProcessMetrics.Register(registry);
            RuntimeMetrics.Register(registry);
            RuntimeMetrics.RegisterBuildInfo(registry, provider.GetRequiredService<BuildInfo>());
            return registry;
        });
        services.AddSingleton<HttpMetrics>();
        services.AddSingleton(static provider => new JobRunner(
            provider.GetRequiredService<MetricRegistry>(),
            provider.GetRequiredService<ILoggerFactory>(),
            provider.GetRequiredService<TimeProvider>()));
        services.AddMonitoringScraping();
        services.AddEventHubsBus();
        services.AddMonitoringRules();
        services.AddAlertRouter();
        services.AddSingleton(static provider => new CompactJob(provider.GetRequiredService<StorageEngineAccessor>().GetAsync));
        services.AddSingleton(static provider => new RetentionJob(provider.GetRequiredService<StorageEngineAccessor>().GetAsync));
        services.AddRouting();
        return services;
    }

    /// <summary>Every HTTP endpoint, for the embedded server's routes and the function app's Api function alike.</summary>
    public static IEndpointRouteBuilder MapMonitoringEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapStatusEndpoints();
        endpoints.MapMetricsEndpoint();
        endpoints.MapTargetsEndpoints();
        endpoints.MapLifecycleEndpoints();
        endpoints.MapRemoteStorageEndpoints();
        endpoints.MapApiEndpoints();
        endpoints.MapAlertmanagerStateEndpoints();
        return endpoints;
    }
}
