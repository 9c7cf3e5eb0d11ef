using System.Buffers;
using System.IO.Hashing;
using System.Text;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// A group's evaluation grid (upstream's <c>Group.EvalTimestamp</c> and the ticker loop of
/// <c>Group.run</c>): slots at <c>k × interval + offset</c> in Unix nanoseconds, the offset a hash of
/// the group's name and file, so groups spread over the interval and a group keeps its phase
/// across restarts and hosts. Missed slots are skipped and counted, never caught up. Pure.
/// </summary>
public sealed record RuleGroupSchedule
{
    /// <summary>A grid with the given interval and phase.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The interval is not positive, or the offset not within it.</exception>
    public RuleGroupSchedule(TimeSpan interval, long offsetNanos)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        IntervalNanos = RuleTime.ToNanos(interval);
        ArgumentOutOfRangeException.ThrowIfNegative(offsetNanos);
        ArgumentOutOfRangeException.ThrowIfGreaterThanOrEqual(offsetNanos, IntervalNanos);
        Interval = interval;
        OffsetNanos = offsetNanos;
    }

    /// <summary>The group's interval.</summary>
    public TimeSpan Interval { get; }

    /// <summary>The interval in nanoseconds.</summary>
    public long IntervalNanos { get; }

    /// <summary>The phase: slots fall at this many nanoseconds past a multiple of the interval.</summary>
    public long OffsetNanos { get; }

    /// <summary>The grid of group <paramref name="name"/> from <paramref name="file"/>, phased as Prometheus phases it.</summary>
    public static RuleGroupSchedule For(string name, string file, TimeSpan interval, RuleGroupHash hash = RuleGroupHash.Prometheus3)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var offset = (long)(GroupHash(name, file, hash) % (ulong)RuleTime.ToNanos(interval));
        return new RuleGroupSchedule(interval, offset);
    }

    /// <summary>
    /// Upstream's <c>Group.hash()</c>: <c>labels.Hash()</c> of <c>{file="…", name="…"}</c> (sorted:
    /// file first) in the label encoding of <paramref name="hash"/>; xxHash64, seed 0.
    /// </summary>
    public static ulong GroupHash(string name, string file, RuleGroupHash hash = RuleGroupHash.Prometheus3)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(file);
        var writer = new ArrayBufferWriter<byte>(64 + name.Length + file.Length);
        Append(writer, "file", hash);
        Append(writer, file, hash);
        Append(writer, "name", hash);
        Append(writer, name, hash);
        return XxHash64.HashToUInt64(writer.WrittenSpan);
    }

    /// <summary>Upstream's <c>EvalTimestamp</c>: the latest slot at or before <paramref name="unixNano"/>.</summary>
    public long SlotAtOrBefore(long unixNano)
    {
        // Align to the interval after removing the phase, then put the phase back: the result is
        // never after the given instant (for instants past epoch + offset; before that Go's
        // truncating % gives the same odd slots as C#'s).
        var adjusted = unixNano - OffsetNanos;
        return adjusted - (adjusted % IntervalNanos) + OffsetNanos;
    }

    /// <summary>
    /// The first slot strictly after <paramref name="unixNano"/>: where a group started (or
    /// restarted) at that instant first evaluates (upstream's <c>EvalTimestamp(now) + interval</c>).
    /// </summary>
    public long NextEvaluationAfter(long unixNano) => SlotAtOrBefore(unixNano) + IntervalNanos;

    /// <summary>
    /// How many slots after <paramref name="lastEvaluationUnixNano"/> were skipped when the next
    /// evaluation starts at <paramref name="nowUnixNano"/> (upstream's <c>IterationsMissed</c>):
    /// whole intervals elapsed, less the one being evaluated now.
    /// </summary>
    public long IterationsMissed(long lastEvaluationUnixNano, long nowUnixNano) =>
        Math.Max(0, ((nowUnixNano - lastEvaluationUnixNano) / IntervalNanos) - 1);

    /// <summary>
    /// The slot to evaluate at <paramref name="nowUnixNano"/> after the one at
    /// <paramref name="lastEvaluationUnixNano"/>, and the slots skipped in between (add them to both
    /// <c>prometheus_rule_group_iterations_missed_total</c> and <c>…_iterations_total</c>). As upstream's
    /// tick: the latest slot not after now; never the last slot again, even when called early.
    /// </summary>
    public (long SlotUnixNano, long Missed) Advance(long lastEvaluationUnixNano, long nowUnixNano)
    {
        var missed = IterationsMissed(lastEvaluationUnixNano, nowUnixNano);
        return (lastEvaluationUnixNano + ((missed + 1) * IntervalNanos), missed);
    }

    private static void Append(ArrayBufferWriter<byte> writer, string s, RuleGroupHash hash)
    {
        var length = Encoding.UTF8.GetByteCount(s);
        if (hash == RuleGroupHash.Prometheus3)
        {
            if (length < 255)
            {
                writer.Write<byte>([(byte)length]);
            }
            else
            {
                writer.Write<byte>([0xFF, (byte)length, (byte)(length >> 8), (byte)(length >> 16)]);
            }
        }

        var span = writer.GetSpan(length + 1);
        Encoding.UTF8.GetBytes(s, span);
        writer.Advance(length);
        if (hash == RuleGroupHash.Prometheus2)
        {
            writer.Write<byte>([0xFF]);
        }
    }
}
