using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>A value during evaluation at one step.</summary>
internal abstract class Value;

internal sealed class ScalarValue(double v) : Value
{
    public double V { get; } = v;
}

internal sealed class StringValue(string s) : Value
{
    public string S { get; } = s;
}

/// <summary>An element of an instant vector: <see cref="T"/> is the sample's own time for raw selectors, else the evaluation time.</summary>
internal readonly record struct VSample(LabelSet Metric, long T, double F);

internal sealed class VectorValue(List<VSample> samples) : Value
{
    public List<VSample> Samples { get; } = samples;
}

internal sealed record MSeries(LabelSet Metric, List<Sample> Points);

/// <summary>A range vector; <see cref="RangeStart"/>/<see cref="RangeEnd"/> is the window (for extrapolation).</summary>
internal sealed class MatrixValue(List<MSeries> series, long rangeStart, long rangeEnd) : Value
{
    public List<MSeries> Series { get; } = series;

    public long RangeStart { get; set; } = rangeStart;

    public long RangeEnd { get; set; } = rangeEnd;
}

/// <summary>A selected series, materialised.</summary>
internal sealed class LoadedSeries(LabelSet labels, long[] ts, double[] vs)
{
    public LabelSet Labels { get; } = labels;

    public long[] Ts { get; } = ts;

    public double[] Vs { get; } = vs;

    /// <summary>Index of the last sample at or before <paramref name="t"/>, or -1.</summary>
    public int LastAtOrBefore(long t)
    {
        var i = Ts.AsSpan().BinarySearch(t);
        return i >= 0 ? i : ~i - 1;
    }

    /// <summary>
    /// As <see cref="LastAtOrBefore(long)"/>, starting from <paramref name="hint"/> (the answer for
    /// an earlier time, or -1) and leaving the answer there: steps forward in time walk a few samples
    /// instead of searching.
    /// </summary>
    public int LastAtOrBefore(long t, ref int hint)
    {
        var i = hint;
        if (i < 0 || i >= Ts.Length || Ts[i] > t)
        {
            i = LastAtOrBefore(t);
        }
        else
        {
            while (i + 1 < Ts.Length && Ts[i + 1] <= t)
            {
                i++;
            }
        }

        hint = i;
        return i;
    }
}
