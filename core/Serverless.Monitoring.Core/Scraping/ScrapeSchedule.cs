namespace Serverless.Monitoring.Core.Scraping;

/// <summary>
/// When a target is scraped: at the instants whose distance from the Unix epoch, modulo the
/// interval, is the target's offset (as Prometheus pins a target's phase to absolute time). A
/// timer tick that covers [from, from + period) scrapes the targets with a slot inside it, so
/// any tick period up to the shortest interval works, and a target is scraped once per interval
/// whichever process ticks.
/// </summary>
public static class ScrapeSchedule
{
    /// <summary>The first slot of <paramref name="target"/> at or after <paramref name="from"/>.</summary>
    public static DateTimeOffset NextSlot(ScrapeTarget target, DateTimeOffset from, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        var interval = target.Interval.Ticks;
        var offset = target.Offset(seed).Ticks;
        var sinceEpoch = (from - DateTimeOffset.UnixEpoch).Ticks;
        var phase = ((sinceEpoch % interval) + interval) % interval;
        var wait = ((offset - phase) % interval + interval) % interval;
        return from + TimeSpan.FromTicks(wait);
    }

    /// <summary>The slot of <paramref name="target"/> in [<paramref name="from"/>, <paramref name="from"/> + <paramref name="period"/>), if any.</summary>
    public static DateTimeOffset? SlotIn(ScrapeTarget target, DateTimeOffset from, TimeSpan period, ulong seed = 0)
    {
        var slot = NextSlot(target, from, seed);
        return slot < from + period ? slot : null;
    }
}
