using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// What the API endpoints share: the storage engine, the server's query options and the clock,
/// resolved on first use so that mapping the endpoints never runs ahead of the host's own
/// configuration checks (which report a bad setting as one clear message at start).
/// </summary>
internal sealed class ApiServices(IServiceProvider services)
{
    private readonly Lazy<PromQLEngineOptions> _queryOptions = new(() => ApiQueryOptions.FromConfiguration(services.GetRequiredService<IConfiguration>()));
    private readonly Lazy<ILogger> _logger = new(() => services.GetRequiredService<ILoggerFactory>().CreateLogger("Serverless.Monitoring.Api"));

    public PromQLEngineOptions QueryOptions => _queryOptions.Value;

    public TimeProvider Time { get; } = services.GetService<TimeProvider>() ?? TimeProvider.System;

    public ILogger Logger => _logger.Value;

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The storage engine; when it cannot be opened the API answers 503 <c>unavailable</c>.</summary>
    public async Task<StorageEngine> GetStorageAsync()
    {
        try
        {
            return await services.GetRequiredService<StorageEngineAccessor>().GetAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "Storage is unavailable");
            throw new ApiException(ApiErrorType.Unavailable, $"storage is unavailable: {ex.Message}", ex);
        }
    }
}
