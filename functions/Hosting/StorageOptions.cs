using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;

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

    /// <summary>How long samples are kept (Prometheus's <c>--storage.tsdb.retention.time</c>, default 15d).</summary>
    public string RetentionTime { get; set; } = "15d";

    /// <summary>
    /// The most bytes of blocks kept, oldest deleted first (Prometheus's
    /// <c>--storage.tsdb.retention.size</c>, e.g. <c>512MB</c>); 0 means no limit.
    /// </summary>
    public string RetentionSize { get; set; } = "0";

    /// <summary>The memory the querier may use to cache block indexes and chunks (e.g. <c>256MB</c>).</summary>
    public string CacheSize { get; set; } = "256MB";

    /// <summary>The storage engine's options, from validated settings.</summary>
    public StorageEngineOptions ToEngineOptions() => new()
    {
        RetentionTime = PrometheusDuration.Parse(RetentionTime),
        RetentionSizeBytes = ByteSize.Parse(RetentionSize),
        CacheSizeBytes = ByteSize.Parse(CacheSize),
    };

    /// <summary>What is wrong with the engine settings, naming each key; empty when they parse.</summary>
    public IEnumerable<string> EngineProblems()
    {
        if (!PrometheusDuration.TryParse(RetentionTime, out var retention, out var error) || retention <= TimeSpan.Zero)
        {
            yield return $"Storage:RetentionTime (--storage.tsdb.retention.time): {(error.Length > 0 ? error : "must be greater than 0")}.";
        }

        if (!ByteSize.TryParse(RetentionSize, out _, out error))
        {
            yield return $"Storage:RetentionSize (--storage.tsdb.retention.size): {error}.";
        }

        if (!ByteSize.TryParse(CacheSize, out _, out error))
        {
            yield return $"Storage:CacheSize: {error}.";
        }
    }
}
