using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Notifier;

namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>
/// Sends queued alerts as they come, apart from the rule loops, as upstream's notifier does: a slow
/// or unreachable Alertmanager delays the sending (up to its timeout), never a rule group's evaluation.
/// </summary>
internal sealed class NotificationLoop(NotificationManager notifier, NotificationFlushJob flush, JobRunner runner, TimeProvider time) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await notifier.WaitForAlertsAsync(stoppingToken);
                await runner.RunAsync(flush, time.GetUtcNow(), stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // The runner has logged it; the alerts are re-sent at the rules' next resend.
            }
        }
    }
}
