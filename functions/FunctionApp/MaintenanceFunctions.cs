using Microsoft.Azure.Functions.Worker;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Storage.Compaction;
using Serverless.Monitoring.Core.Storage.Retention;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>The Compact (every minute) and Retention (hourly) timers: one run of their job each.</summary>
internal sealed class MaintenanceFunctions(JobRunner runner, CompactJob compact, RetentionJob retention, TimeProvider time)
{
    [Function(CompactJob.JobName)]
    public Task CompactAsync([TimerTrigger("0 */1 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunAsync(compact, time.GetUtcNow(), cancellationToken);

    [Function(RetentionJob.JobName)]
    public Task RetentionAsync([TimerTrigger("0 0 * * * *")] TimerInfo timer, CancellationToken cancellationToken) =>
        runner.RunAsync(retention, time.GetUtcNow(), cancellationToken);
}
