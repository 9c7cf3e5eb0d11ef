using System.IO.Hashing;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;

namespace Serverless.Monitoring.Functions.Durable;

/// <summary>
/// One rule group as an eternal orchestration (one instance per group, <see cref="InstanceId"/>):
/// a durable timer to the group's next slot (or the <see cref="StopEvent"/>, the losing wait always
/// cancelled), one <see cref="EvaluateActivity"/> that evaluates the group as the rule files define
/// it now (a changed definition takes over with the alerts carried across; a removed group ends the
/// loop) and says when the next slot is, then continue-as-new with that slot. The schedule and the
/// evaluation are core's (<c>RuleGroupSchedule</c>, the RuleGroup job); this only sequences them.
/// </summary>
internal static class RuleGroupOrchestration
{
    public const string Name = "RuleGroup";
    public const string EvaluateActivity = "EvaluateRuleGroup";
    public const string StopEvent = "Stop";

    /// <summary>A group's instance: fixed, so starting it again is idempotent; a hash, as keys hold any text.</summary>
    public static string InstanceId(string groupKey)
    {
        ArgumentNullException.ThrowIfNull(groupKey);
        return "rules-" + Convert.ToHexStringLower(BitConverter.GetBytes(XxHash64.HashToUInt64(Encoding.UTF8.GetBytes(groupKey))));
    }

    public static async Task<RuleGroupStep> RunAsync(TaskOrchestrationContext context, RuleGroupStep? input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);

        // The first run only asks for the group's next slot.
        var step = input.NextSlotUnixNano is null
            ? await context.CallActivityAsync<RuleGroupStep>(EvaluateActivity, input)
            : input;
        if (step.GroupGone || step.NextSlotUnixNano is not { } slot)
        {
            return step;
        }

        // The Stop wait spans the whole execution, so a Stop that arrives while the activity runs is seen.
        using var stopWait = new CancellationTokenSource();
        using var timerWait = new CancellationTokenSource();
        var stop = context.WaitForExternalEvent<object?>(StopEvent, stopWait.Token);
        var timer = context.CreateTimer(DateTimeOffset.FromUnixTimeMilliseconds(slot / 1_000_000).UtcDateTime, timerWait.Token);
        if (await Task.WhenAny(timer, stop) == stop)
        {
            // Cancel the losing timer (synchronously: an orchestrator awaits nothing but durable tasks).
            timerWait.Cancel();
            return step with { Stopped = true };
        }

        var next = await context.CallActivityAsync<RuleGroupStep>(EvaluateActivity, step with { Evaluate = true });
        if (next.GroupGone || stop.IsCompleted)
        {
            return next with { Stopped = stop.IsCompleted };
        }

        stopWait.Cancel();
        context.ContinueAsNew(next with { Evaluate = false });
        return next;
    }

    /// <summary>Starts a group's instance unless it runs; true when it was started.</summary>
    public static async Task<bool> EnsureRunningAsync(DurableTaskClient client, string groupKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        var id = InstanceId(groupKey);
        var existing = await client.GetInstanceAsync(id, cancellationToken);
        if (existing is { RuntimeStatus: OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended })
        {
            return false;
        }

        await client.ScheduleNewOrchestrationInstanceAsync(Name, new RuleGroupStep(groupKey), new StartOrchestrationOptions(id), cancellationToken);
        return true;
    }
}

/// <summary>
/// The orchestration's small state, and the activity's input and output: the group, its next slot
/// (null before the first), how many slots were missed before it, and whether to evaluate it.
/// </summary>
internal sealed record RuleGroupStep(
    string GroupKey,
    long? NextSlotUnixNano = null,
    long Missed = 0,
    bool Evaluate = false,
    bool GroupGone = false,
    bool Stopped = false,
    long Evaluations = 0);
