using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Gives the notifier the running config's <c>alerting</c> section once per process before the first
/// send, and again after every reload (the function app's activities; the embedded rule loop applies
/// it itself, together with the rule groups).
/// </summary>
internal sealed class NotifierConfiguration(NotificationManager notifier, PrometheusConfigSource config, ILogger<NotifierConfiguration> logger)
{
    private readonly Lazy<Task> _applied = new(() => ApplyAndFollowAsync(notifier, config, logger));

    public Task EnsureAppliedAsync(CancellationToken cancellationToken) => _applied.Value.WaitAsync(cancellationToken);

    private static async Task ApplyAndFollowAsync(NotificationManager notifier, PrometheusConfigSource config, ILogger logger)
    {
        config.Changed += changed => _ = ApplyAsync(notifier, changed, logger);
        await notifier.ApplyConfigAsync(config.LoadInitial(), CancellationToken.None);
    }

    private static async Task ApplyAsync(NotificationManager notifier, Core.Config.PrometheusConfig changed, ILogger logger)
    {
        try
        {
            await notifier.ApplyConfigAsync(changed, CancellationToken.None);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Applying the reloaded alerting configuration failed");
        }
    }
}
