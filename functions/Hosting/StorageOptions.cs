namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>Where the monitoring data lives.</summary>
internal enum StorageProvider
{
    /// <summary>A folder on local disk (embedded mode, the default).</summary>
    LocalDisk,

    /// <summary>Azure Storage blobs, tables and queues (serverless mode, or Azurite locally).</summary>
    AzureStorage,
}

/// <summary>
/// Configuration section <c>Storage</c> (appsettings.json, <c>Storage__Provider</c> in the
/// environment, <c>--Storage:Provider=...</c> or Prometheus's <c>--storage.tsdb.path</c> on the
/// command line).
/// </summary>
internal sealed class StorageOptions
{
    public const string SectionName = "Storage";

    /// <summary>The name of the default Azure Storage connection setting.</summary>
    public const string DefaultConnectionName = "MonitoringStorage";

    public StorageProvider Provider { get; set; } = StorageProvider.LocalDisk;

    /// <summary>
    /// The data folder for <see cref="StorageProvider.LocalDisk"/>. A relative path is relative to
    /// the working directory, like Prometheus's <c>--storage.tsdb.path</c>.
    /// </summary>
    public string LocalPath { get; set; } = "./data";

    /// <summary>
    /// The name of the connection setting for <see cref="StorageProvider.AzureStorage"/>, resolved
    /// the way Functions bindings resolve <c>connection</c> (see <see cref="AzureStorageSettings"/>).
    /// </summary>
    public string Connection { get; set; } = DefaultConnectionName;
}
