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
        return NextSlot(target.Interval, target.Offset(seed), from);
    }

    /// <summary>The first instant at or after <paramref name="from"/> that is <paramref name="offset"/> into an <paramref name="interval"/> since the epoch.</summary>
    public static DateTimeOffset NextSlot(TimeSpan interval, TimeSpan offset, DateTimeOffset from) =>
        from + TimeSpan.FromTicks(Wait(interval.Ticks, offset.Ticks, from));

    /// <summary>The slot of <paramref name="target"/> in [<paramref name="from"/>, <paramref name="from"/> + <paramref name="period"/>), if any.</summary>
    public static DateTimeOffset? SlotIn(ScrapeTarget target, DateTimeOffset from, TimeSpan period, ulong seed = 0)
    {
        ArgumentNullException.ThrowIfNull(target);
        return SlotIn(target.Interval, target.Offset(seed), from, period);
    }

    /// <summary>As the target overload, for a caller that keeps the target's offset (computing it hashes the target).</summary>
    public static DateTimeOffset? SlotIn(TimeSpan interval, TimeSpan offset, DateTimeOffset from, TimeSpan period)
    {
        var slot = NextSlot(interval, offset, from);
        return slot < from + period ? slot : null;
    }

    private static long Wait(long interval, long offset, DateTimeOffset from)
    {
        var sinceEpoch = (from - DateTimeOffset.UnixEpoch).Ticks;
        var phase = ((sinceEpoch % interval) + interval) % interval;
        return ((offset - phase) % interval + interval) % interval;
    }
}
