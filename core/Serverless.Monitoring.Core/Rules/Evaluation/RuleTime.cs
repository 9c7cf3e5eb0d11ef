namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// Instants in the rule manager are Unix nanoseconds (<c>long</c>), as upstream's <c>time.Time</c>:
/// a group's slots carry a nanosecond phase, and <c>activeAt</c> or <c>lastEvaluation</c> show it
/// (a <see cref="DateTimeOffset"/> would round it to 100 ns). Sample timestamps are milliseconds.
/// </summary>
public static class RuleTime
{
    /// <summary>Nanoseconds per millisecond.</summary>
    public const long NanosPerMillisecond = 1_000_000;

    /// <summary>Nanoseconds per second.</summary>
    public const long NanosPerSecond = 1_000_000_000;

    /// <summary>A duration in nanoseconds (TimeSpan ticks are 100 ns).</summary>
    public static long ToNanos(TimeSpan duration) => checked(duration.Ticks * 100);

    /// <summary>An instant as Unix nanoseconds.</summary>
    public static long FromDateTimeOffset(DateTimeOffset instant) =>
        checked((instant.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * 100);

    /// <summary>Unix nanoseconds as an instant (rounded down to 100 ns).</summary>
    public static DateTimeOffset ToDateTimeOffset(long unixNano) =>
        DateTimeOffset.UnixEpoch.AddTicks(FloorDiv(unixNano, 100));

    /// <summary>Upstream's <c>timestamp.FromTime</c>: the millisecond that holds the instant (floor).</summary>
    public static long ToMilliseconds(long unixNano) => FloorDiv(unixNano, NanosPerMillisecond);

    /// <summary>Milliseconds as Unix nanoseconds.</summary>
    public static long FromMilliseconds(long unixMilli) => checked(unixMilli * NanosPerMillisecond);

    /// <summary>Go's <c>time.Time.Unix()</c>: whole seconds, rounded down.</summary>
    public static long ToUnixSeconds(long unixNano) => FloorDiv(unixNano, NanosPerSecond);

    private static long FloorDiv(long a, long b)
    {
        var q = Math.DivRem(a, b, out var r);
        return r < 0 ? q - 1 : q;
    }
}
