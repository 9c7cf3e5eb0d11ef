using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The one <see cref="StorageEngine"/> of the process, opened on first use (opening reads the
/// catalog, so it is not done before Kestrel binds).
/// </summary>
internal sealed class StorageEngineAccessor(IStorageProvider provider, IOptions<StorageOptions> options, MetricRegistry metrics, ILogger<StorageEngineAccessor> logger)
{
    private readonly Lazy<Task<StorageEngine>> _engine = new(() => StorageEngine.OpenAsync(
        provider,
        options.Value.ToEngineOptions(),
        metrics: metrics,
        log: message => logger.LogWarning("{Message}", message)));

    public Task<StorageEngine> GetAsync() => _engine.Value;
}
