using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>What the API endpoints share: the storage engine, the server's query options and the clock.</summary>
internal sealed class ApiServices(StorageEngineAccessor storage, PromQLEngineOptions queryOptions, TimeProvider time, ILogger logger)
{
    public PromQLEngineOptions QueryOptions { get; } = queryOptions;

    public TimeProvider Time { get; } = time;

    public ILogger Logger { get; } = logger;

    public long NowMs => Time.GetUtcNow().ToUnixTimeMilliseconds();

    /// <summary>The storage engine; when it cannot be opened the API answers 503 <c>unavailable</c>.</summary>
    public async Task<StorageEngine> GetStorageAsync()
    {
        try
        {
            return await storage.GetAsync();
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            Logger.LogError(ex, "Storage is unavailable");
            throw new ApiException(ApiErrorType.Unavailable, $"storage is unavailable: {ex.Message}", ex);
        }
    }
}
