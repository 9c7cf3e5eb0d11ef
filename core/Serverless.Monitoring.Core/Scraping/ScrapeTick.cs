namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// One tick of the scrape schedule: the targets whose slot falls in [<see cref="At"/>,
/// <see cref="At"/> + <see cref="Period"/>) are scraped. The embedded loop ticks every second; the
/// Scrape function on its timer's period.
/// </summary>
public readonly record struct ScrapeTick(DateTimeOffset At, TimeSpan Period)
{
    /// <summary>
    /// The tick a timer that fired at <paramref name="now"/> stands for: the period boundary at or
    /// before it, allowing the timer to fire a little early (up to a second, or a quarter of the
    /// period) and late by the rest of the period.
    /// </summary>
    public static ScrapeTick Of(DateTimeOffset now, TimeSpan period)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(period, TimeSpan.Zero);
        var early = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, period.Ticks / 4));
        var t = now.UtcTicks + early.Ticks;
        return new ScrapeTick(new DateTimeOffset(t - ((t - DateTimeOffset.UnixEpoch.UtcTicks) % period.Ticks), TimeSpan.Zero), period);
    }
}
