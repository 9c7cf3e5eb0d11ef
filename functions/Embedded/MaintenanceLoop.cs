using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Storage.Compaction;
using Serverless.Monitoring.Core.Storage.Retention;

namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>
/// Drives the Compact job every minute and the Retention job every hour, as the function app's
/// Compact and Retention timers do.
/// </summary>
internal sealed class MaintenanceLoop(JobRunner runner, CompactJob compact, RetentionJob retention, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var nextRetention = time.GetUtcNow();
        using var timer = new PeriodicTimer(CompactJob.Period, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                var now = time.GetUtcNow();
                await RunAsync(compact, now, stoppingToken);
                if (now >= nextRetention)
                {
                    await RunAsync(retention, now, stoppingToken);
                    nextRetention = now + RetentionJob.Period;
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task RunAsync<TResult>(IJob<DateTimeOffset, TResult> job, DateTimeOffset now, CancellationToken cancellationToken)
    {
        try
        {
            await runner.RunAsync(job, now, cancellationToken);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The runner has logged it; the next tick tries again.
        }
    }
}
