using Serverless.Monitoring.Core.Alerting.Config;

namespace Serverless.Monitoring.Core.Alerting.Escalation;

/// <summary>
/// A configured escalation policy (<c>escalation_policies</c>, validated when the configuration is
/// parsed) with what the machine needs beside it: whether a level's <c>active_time_intervals</c>
/// hold at an instant (outside them a level is passed over and the chain goes on).
/// </summary>
/// <param name="IntervalsActive">Whether any of the named time intervals holds at the instant; null: always.</param>
public sealed record EscalationChain(EscalationPolicy Policy, Func<IReadOnlyList<string>, DateTimeOffset, bool>? IntervalsActive = null)
{
    public string Name => Policy.Name;

    public IReadOnlyList<EscalationLevel> Levels => Policy.Levels;

    /// <summary>
    /// How long one run of the chain lasts: to its last level, plus the last step again (the gap
    /// between the last two levels), so a repeated run keeps the chain's rhythm.
    /// </summary>
    public TimeSpan RunLength
    {
        get
        {
            var last = Levels[^1].After;
            var previous = Levels.Count > 1 ? Levels[^2].After : TimeSpan.Zero;
            return last + (last - previous);
        }
    }

    public bool IsActive(EscalationLevel level, DateTimeOffset at)
    {
        ArgumentNullException.ThrowIfNull(level);
        return level.ActiveTimeIntervals.Count == 0 || IntervalsActive is null || IntervalsActive(level.ActiveTimeIntervals, at);
    }
}
