using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Registers the <see cref="IStorageProvider"/> that <see cref="StorageOptions"/> selects: local
/// disk under <c>Storage:LocalPath</c>, or the Azure Storage account of the connection setting
/// named by <c>Storage:Connection</c>. The options are validated at start-up, so a bad setting
/// stops the host before anything uses storage; building the provider does no I/O.
/// </summary>
internal static class StorageRegistration
{
    public static IServiceCollection AddMonitoringStorage(this IServiceCollection services)
    {
        services.AddSingleton<IStorageProvider>(provider => Create(
            provider.GetRequiredService<IOptions<StorageOptions>>().Value,
            provider.GetRequiredService<AzureStorageSettings>));
        return services;
    }

    private static IStorageProvider Create(StorageOptions options, Func<AzureStorageSettings> azureSettings) => options.Provider switch
    {
        // Relative to the working directory, like Prometheus's --storage.tsdb.path.
        StorageProvider.LocalDisk => new LocalDiskStorageProvider(Path.GetFullPath(options.LocalPath)),
        StorageProvider.AzureStorage => azureSettings().CreateProvider(),
        _ => throw new InvalidOperationException($"Storage:Provider '{options.Provider}' has no adapter."),
    };
}
