namespace Serverless.Monitoring.Core.Alerting.Escalation;

/// <summary>
/// One level of an escalation chain: whom to notify once the chain has run <see cref="After"/>
/// without an acknowledgement.
/// </summary>
/// <param name="After">From the start of the chain's current run (0 for the first level).</param>
/// <param name="Receivers">The receivers notified when the level is reached.</param>
/// <param name="IsActive">Whether the level notifies at an instant (its <c>active_time_intervals</c>); null: always.
/// Outside them the level is passed over and the chain goes on.</param>
public sealed record EscalationLevel(TimeSpan After, IReadOnlyList<string> Receivers, Func<DateTimeOffset, bool>? IsActive = null);

/// <summary>
/// An escalation policy (our <c>escalation_policies</c> section): levels reached one after the
/// other until somebody acknowledges or every alert of the group resolves, as PagerDuty's and
/// Grafana OnCall's chains; Alertmanager has none (prometheus/alertmanager #686, #1860).
/// </summary>
/// <param name="Repeat">How many times the chain runs again after its last level (0 to 5).</param>
/// <param name="AckTimeout">How long an acknowledgement holds before escalation resumes; null: until resolved.</param>
/// <param name="RestartOnNewAlert">A new firing alert in an acknowledged (or exhausted) group starts the chain again.</param>
public sealed record EscalationPolicy(
    string Name,
    IReadOnlyList<EscalationLevel> Levels,
    int Repeat = 0,
    TimeSpan? AckTimeout = null,
    bool RestartOnNewAlert = true)
{
    public const int MaxRepeat = 5;

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

    /// <summary>What is wrong with the policy, in the words of a config error; null when it is sound.</summary>
    public string? Problem()
    {
        if (Levels.Count == 0)
        {
            return "an escalation policy needs at least one level";
        }

        if (Levels[0].After != TimeSpan.Zero)
        {
            return "the first level is reached at once: its after must be 0 or absent";
        }

        for (var i = 1; i < Levels.Count; i++)
        {
            if (Levels[i].After <= Levels[i - 1].After)
            {
                return $"level {i + 1}: after must be greater than the level before's ({Levels[i - 1].After})";
            }
        }

        if (Levels.Any(l => l.Receivers.Count == 0))
        {
            return "every level needs at least one receiver";
        }

        if (Repeat is < 0 or > MaxRepeat)
        {
            return $"repeat must be between 0 and {MaxRepeat}";
        }

        if (Repeat > 0 && RunLength <= TimeSpan.Zero)
        {
            return "repeat needs a chain that takes time: at least two levels";
        }

        return AckTimeout is { } timeout && timeout <= TimeSpan.Zero ? "ack_timeout must be greater than 0" : null;
    }
}
