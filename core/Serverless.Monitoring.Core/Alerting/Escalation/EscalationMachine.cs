using System.Security.Cryptography;
using System.Text;

namespace Serverless.Monitoring.Core.Alerting.Escalation;

/// <summary>
/// The decisions of an escalation, as pure functions of a policy, a state and the time, so the
/// Durable orchestration and the embedded server run the same logic and tests need no host:
/// <list type="bullet">
/// <item>A new escalation reaches its first level at once; level <c>i</c> is reached when the run
/// has lasted its <c>after</c>; a level outside its active time intervals is passed over.</item>
/// <item>After the last level the chain runs again (<c>repeat</c> times), a run lasting
/// <see cref="EscalationChain.RunLength"/>; then it is exhausted and waits.</item>
/// <item>An acknowledgement stops the climb; when it expires (<c>ack_timeout</c>) the level
/// reached last is notified again and the climb goes on from there.</item>
/// <item>Every alert resolved ends the escalation; a new firing alert in an acknowledged or
/// exhausted escalation starts it again from the first level (<c>restart_on_new_alert</c>).</item>
/// <item>Levels overdue (a host that was down) are all reached at once, each once: nobody who
/// should have been told is left out, and no run is replayed.</item>
/// </list>
/// </summary>
public static class EscalationMachine
{
    /// <summary>The most steps a state keeps (oldest dropped first).</summary>
    public const int MaxSteps = 100;

    /// <summary>An escalation's ID: stable for a group and receiver, short enough for a URL.</summary>
    public static string IdFor(string groupKey, string receiver)
    {
        ArgumentNullException.ThrowIfNull(groupKey);
        ArgumentNullException.ThrowIfNull(receiver);
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(groupKey + "\n" + receiver));
        return Convert.ToHexStringLower(hash.AsSpan(0, 10));
    }

    /// <summary>A new escalation for a group that notifies with firing alerts: its first level is due now.</summary>
    public static EscalationState Start(EscalationChain policy, string groupKey, string receiver, IEnumerable<ulong> firing, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(firing);
        return new EscalationState
        {
            Id = IdFor(groupKey, receiver),
            GroupKey = groupKey,
            Receiver = receiver,
            Policy = policy.Name,
            Status = EscalationStatus.Active,
            StartedAt = now,
            RunStartedAt = now,
            Firing = Sorted(firing),
            NextDue = now,
        };
    }

    /// <summary>Everything due at or before <paramref name="now"/>: the levels reached, in order, and the new state.</summary>
    public static (EscalationState State, IReadOnlyList<EscalationStep> Reached) Advance(EscalationChain policy, EscalationState state, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);
        var reached = new List<EscalationStep>();
        while (state.NextDue is { } due && due <= now)
        {
            state = state.Status switch
            {
                EscalationStatus.Acknowledged => ResumeAfterAcknowledgement(policy, state, now),
                EscalationStatus.Active when state.NextLevel >= policy.Levels.Count => NextRun(state, now),
                EscalationStatus.Active => Reach(policy, state, now, reached),
                _ => state with { NextDue = null },
            };
        }

        return (reached.Count == 0 ? state : state with { Steps = Keep(state.Steps, reached) }, reached);
    }

    /// <summary>Stops the climb. An ended escalation cannot be acknowledged; acknowledging again renews it.</summary>
    /// <exception cref="InvalidOperationException">The escalation is resolved.</exception>
    public static EscalationState Acknowledge(EscalationChain policy, EscalationState state, string by, string comment, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Status == EscalationStatus.Resolved)
        {
            throw new InvalidOperationException($"escalation {state.Id} is resolved");
        }

        var expires = policy.Policy.AckTimeout is { } timeout ? now + timeout : (DateTimeOffset?)null;
        return state with
        {
            Status = EscalationStatus.Acknowledged,
            Acknowledgement = new Acknowledgement(by ?? "", comment ?? "", now, expires),
            NextDue = expires,
        };
    }

    /// <summary>
    /// The group's firing alerts now (after a flush): none ends the escalation; one not seen before
    /// restarts an acknowledged or exhausted one when the policy says so.
    /// </summary>
    public static EscalationState AlertsChanged(EscalationChain policy, EscalationState state, IEnumerable<ulong> firing, DateTimeOffset now)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(state);
        ArgumentNullException.ThrowIfNull(firing);
        if (state.Status == EscalationStatus.Resolved)
        {
            return state;
        }

        var current = Sorted(firing);
        if (current.Count == 0)
        {
            return state with { Status = EscalationStatus.Resolved, Firing = current, NextDue = null };
        }

        var known = state.Firing.ToHashSet();
        var someNew = current.Any(f => !known.Contains(f));
        if (someNew && policy.Policy.RestartOnNewAlert && state.Status is EscalationStatus.Acknowledged or EscalationStatus.Exhausted)
        {
            return state with
            {
                Status = EscalationStatus.Active,
                Acknowledgement = null,
                Run = 0,
                NextLevel = 0,
                RunStartedAt = now,
                Firing = current,
                NextDue = now,
            };
        }

        return state with { Firing = current };
    }

    private static EscalationState Reach(EscalationChain policy, EscalationState state, DateTimeOffset now, List<EscalationStep> reached)
    {
        var index = state.NextLevel;
        var level = policy.Levels[index];
        var active = policy.IsActive(level, now);
        reached.Add(new EscalationStep(index, state.Run, now, active ? level.Receivers : [], Skipped: !active));

        var next = index + 1;
        DateTimeOffset? due = next < policy.Levels.Count
            ? state.RunStartedAt + policy.Levels[next].After
            : state.Run < policy.Policy.Repeat ? state.RunStartedAt + policy.RunLength : null;
        return state with
        {
            NextLevel = next,
            NextDue = due,
            Status = due is null ? EscalationStatus.Exhausted : EscalationStatus.Active,
        };
    }

    // A late run starts when it is noticed, not when it was due: an outage does not replay runs.
    private static EscalationState NextRun(EscalationState state, DateTimeOffset now) =>
        state with { Run = state.Run + 1, NextLevel = 0, RunStartedAt = now, NextDue = now };

    // The level reached last is told again, and the climb goes on from it as if it had just been reached.
    private static EscalationState ResumeAfterAcknowledgement(EscalationChain policy, EscalationState state, DateTimeOffset now)
    {
        var level = Math.Clamp(state.NextLevel - 1, 0, policy.Levels.Count - 1);
        return state with
        {
            Status = EscalationStatus.Active,
            Acknowledgement = null,
            NextLevel = level,
            RunStartedAt = now - policy.Levels[level].After,
            NextDue = now,
        };
    }

    private static List<ulong> Sorted(IEnumerable<ulong> firing)
    {
        var list = firing.Distinct().ToList();
        list.Sort();
        return list;
    }

    private static List<EscalationStep> Keep(IReadOnlyList<EscalationStep> steps, List<EscalationStep> reached)
    {
        var all = steps.Concat(reached).ToList();
        return all.Count <= MaxSteps ? all : all[^MaxSteps..];
    }
}
