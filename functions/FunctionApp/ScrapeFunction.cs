using Microsoft.Azure.Functions.Worker;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// The Scrape timer: every 15 s, one tick of the Scrape job (the embedded loop ticks every second),
/// covering the targets whose slot falls in the tick's 15 s; the samples go to the bus (the
/// function app refuses the in-process bus at start, so another function stores them).
/// </summary>
internal sealed class ScrapeFunction(JobRunner runner, ScrapeJob scrape, TimeProvider time, ILogger<ScrapeFunction> logger)
{
    public const string Name = ScrapeJob.JobName;

    /// <summary>The timer's schedule; <see cref="Period"/> must match it. Scrape intervals should be multiples of it.</summary>
    public const string Schedule = "*/15 * * * * *";

    public static readonly TimeSpan Period = TimeSpan.FromSeconds(15);

    [Function(Name)]
    public async Task RunAsync([TimerTrigger(Schedule)] TimerInfo timer, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(timer);
        if (timer.IsPastDue)
        {
            logger.LogWarning("The Scrape timer is past due: ticks were missed while the app was not running");
        }

        await runner.RunAsync(scrape, ScrapeTick.Of(time.GetUtcNow(), Period), cancellationToken);
    }
}
