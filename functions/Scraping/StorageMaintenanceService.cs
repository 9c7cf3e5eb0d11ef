namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>
/// The embedded Compact and Retention timers: compaction every minute (live ingestion makes a
/// level-0 block per batch), retention every hour, as the Functions app runs them on timers.
/// </summary>
internal sealed class StorageMaintenanceService(Hosting.StorageEngineAccessor engines, TimeProvider time, ILogger<StorageMaintenanceService> logger) : BackgroundService
{
    private static readonly TimeSpan CompactEvery = TimeSpan.FromMinutes(1);
    private static readonly TimeSpan RetentionEvery = TimeSpan.FromHours(1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRetention = time.GetUtcNow();
        using var timer = new PeriodicTimer(CompactEvery, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var engine = await engines.GetAsync();
                try
                {
                    var compaction = await engine.CompactAsync(stoppingToken);
                    foreach (var warning in compaction.Warnings)
                    {
                        logger.LogWarning("Compaction: {Warning}", warning);
                    }

                    if (time.GetUtcNow() >= nextRetention)
                    {
                        await engine.ApplyRetentionAsync(stoppingToken);
                        nextRetention = time.GetUtcNow() + RetentionEvery;
                    }
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    logger.LogError(ex, "Storage maintenance failed; retrying at the next tick");
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
