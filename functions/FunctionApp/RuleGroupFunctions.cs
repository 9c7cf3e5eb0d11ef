using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Functions.Durable;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// Rule groups in the function app: a supervisor timer that keeps one <see cref="RuleGroupOrchestration"/>
/// running per group of the loaded rule files, the orchestration, and its activity, which runs the
/// RuleGroup job with the group's state loaded from and saved to storage (<see cref="StoredRuleGroups"/>),
/// then sends the alerts it queued.
/// </summary>
internal sealed class RuleGroupFunctions(
    StoredRuleGroups groups,
    RuleGroupJob evaluate,
    NotificationFlushJob flush,
    NotifierConfiguration notifier,
    JobRunner runner,
    TimeProvider time)
{
    public const string SupervisorName = "SuperviseRuleGroups";

    [Function(SupervisorName)]
    public async Task SuperviseAsync(
        [TimerTrigger("0 */1 * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        foreach (var key in groups.Keys())
        {
            await RuleGroupOrchestration.EnsureRunningAsync(client, key, cancellationToken);
        }
    }

    [Function(RuleGroupOrchestration.Name)]
    public static Task<RuleGroupStep> RunOrchestrationAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return RuleGroupOrchestration.RunAsync(context, context.GetInput<RuleGroupStep>());
    }

    [Function(RuleGroupOrchestration.EvaluateActivity)]
    public async Task<RuleGroupStep> EvaluateAsync([ActivityTrigger] RuleGroupStep step, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(step);
        if (groups.Find(step.GroupKey) is not { } definition)
        {
            return step with { GroupGone = true };
        }

        var now = RuleTime.FromDateTimeOffset(time.GetUtcNow());
        var schedule = definition.Schedule();
        if (!step.Evaluate || step.NextSlotUnixNano is not { } slot)
        {
            return step with { NextSlotUnixNano = schedule.NextEvaluationAfter(now), Missed = 0 };
        }

        await notifier.EnsureAppliedAsync(cancellationToken);
        var evaluation = await runner.RunAsync(evaluate, new RuleGroupTick(step.GroupKey, slot, step.Missed), cancellationToken);
        if (evaluation is null)
        {
            return step with { GroupGone = true };
        }

        await runner.RunAsync(flush, time.GetUtcNow(), cancellationToken);
        var (next, missed) = schedule.Advance(slot, RuleTime.FromDateTimeOffset(time.GetUtcNow()));
        return step with { NextSlotUnixNano = next, Missed = missed, Evaluations = step.Evaluations + 1 };
    }
}
