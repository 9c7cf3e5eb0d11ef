using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Storage;

/// <summary>
/// The one rule for two different values at one timestamp of one series, used by ingest (within
/// a batch), compaction (across blocks) and the querier (across overlapping blocks): the value
/// whose IEEE-754 bit pattern, read as an unsigned 64-bit integer, is greatest wins. The rule is
/// commutative and associative, so the answer never depends on batch order, block order or on
/// whether a merged block and its not-yet-retired sources are read together; identical samples
/// (same bits) collapse into one.
/// </summary>
public static class SampleConflict
{
    /// <summary>The value kept when <paramref name="a"/> and <paramref name="b"/> share a timestamp.</summary>
    public static double Resolve(double a, double b) =>
        BitConverter.DoubleToUInt64Bits(a) >= BitConverter.DoubleToUInt64Bits(b) ? a : b;

    /// <summary>
    /// Sorts <paramref name="samples"/> by timestamp in place and collapses samples that share a
    /// timestamp with <see cref="Resolve"/>; returns how many samples remain at the front.
    /// </summary>
    public static int SortAndDedupe(Span<Sample> samples)
    {
        if (samples.Length < 2)
        {
            return samples.Length;
        }

        var sorted = true;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i].TimestampMs <= samples[i - 1].TimestampMs)
            {
                sorted = false;
                break;
            }
        }

        if (sorted)
        {
            return samples.Length;
        }

        samples.Sort(static (x, y) => x.TimestampMs.CompareTo(y.TimestampMs));
        var n = 1;
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i].TimestampMs == samples[n - 1].TimestampMs)
            {
                samples[n - 1] = new Sample(samples[i].TimestampMs, Resolve(samples[n - 1].Value, samples[i].Value));
            }
            else
            {
                samples[n++] = samples[i];
            }
        }

        return n;
    }
}
