namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>
/// Counts observations into buckets with upper bounds (Prometheus histogram). An observation
/// takes one <see cref="Interlocked.Increment(ref long)"/> on its own bucket and a
/// compare-and-swap on the sum. Buckets are stored per bucket and made cumulative when
/// written, so the <c>+Inf</c> bucket always equals <c>_count</c>.
/// </summary>
public sealed class Histogram : Metric
{
    private const int LinearSearchLimit = 16;

    private readonly ChildSet<Histogram>? _children;
    private readonly double[] _upperBounds;
    private readonly long[] _bucketCounts;
    private long _sumBits;

    internal Histogram(MetricFamilyInfo family, double[] upperBounds)
        : base(family, [])
    {
        _upperBounds = upperBounds;
        if (family.LabelNames.Length > 0)
        {
            _children = new ChildSet<Histogram>(family.LabelNames.Length);
            _bucketCounts = [];
        }
        else
        {
            _bucketCounts = new long[upperBounds.Length + 1];
        }
    }

    private Histogram(MetricFamilyInfo family, double[] upperBounds, string[] labelValues)
        : base(family, labelValues)
    {
        _upperBounds = upperBounds;
        _bucketCounts = new long[upperBounds.Length + 1];
    }

    /// <summary>Prometheus's default buckets (client_golang <c>DefBuckets</c>), in seconds.</summary>
    public static ReadOnlySpan<double> DefaultBuckets => [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public override MetricType Type => MetricType.Histogram;

    /// <summary>The finite upper bounds, ascending; the <c>+Inf</c> bucket is implicit.</summary>
    public IReadOnlyList<double> UpperBounds => _upperBounds;

    /// <summary>The number of observations (0 on a labeled family root).</summary>
    public long Count
    {
        get
        {
            long total = 0;
            foreach (ref var count in _bucketCounts.AsSpan())
            {
                total += Volatile.Read(ref count);
            }

            return total;
        }
    }

    /// <summary>The sum of the observations (0 on a labeled family root).</summary>
    public double Sum => AtomicDouble.Read(ref _sumBits);

    /// <summary>The series of this family with the given label values, created on first use.</summary>
    public Histogram WithLabels(params ReadOnlySpan<string> labelValues)
    {
        if (_children is null)
        {
            throw new InvalidOperationException($"Metric '{Name}' has no label names (or is already a child).");
        }

        return _children.GetOrAdd(
            Name,
            labelValues,
            static (parent, values) => new Histogram(parent.Family, parent._upperBounds, values),
            this);
    }

    public void Observe(double value)
    {
        ThrowIfLabeledFamily();
        Interlocked.Increment(ref _bucketCounts[BucketIndex(value)]);
        AtomicDouble.Add(ref _sumBits, value);
    }

    /// <summary>Index of the first bucket whose upper bound is at least <paramref name="value"/> (le semantics).</summary>
    private int BucketIndex(double value)
    {
        var bounds = _upperBounds;
        if (bounds.Length <= LinearSearchLimit)
        {
            for (var i = 0; i < bounds.Length; i++)
            {
                if (value <= bounds[i])
                {
                    return i;
                }
            }

            return bounds.Length;
        }

        if (double.IsNaN(value))
        {
            return bounds.Length;
        }

        var index = Array.BinarySearch(bounds, value);
        return index >= 0 ? index : ~index;
    }

    internal override void WriteFamily(TextExpositionWriter writer)
    {
        if (_children is null)
        {
            writer.WriteHelpAndType(Name, Help, MetricType.Histogram);
            WriteSeries(writer);
            return;
        }

        var children = _children.Snapshot;
        if (children.Length == 0)
        {
            return;
        }

        writer.WriteHelpAndType(Name, Help, MetricType.Histogram);
        foreach (var child in children)
        {
            child.WriteSeries(writer);
        }
    }

    private void WriteSeries(TextExpositionWriter writer)
    {
        var labelNames = Family.LabelNames;
        long cumulative = 0;
        for (var i = 0; i < _upperBounds.Length; i++)
        {
            cumulative += Volatile.Read(ref _bucketCounts[i]);
            writer.WriteBucket(Name, labelNames, LabelValues, _upperBounds[i], cumulative);
        }

        cumulative += Volatile.Read(ref _bucketCounts[^1]);
        writer.WriteBucket(Name, labelNames, LabelValues, double.PositiveInfinity, cumulative);
        writer.WriteSample(Name, "_sum", labelNames, LabelValues, Sum);
        writer.WriteSample(Name, "_count", labelNames, LabelValues, cumulative);
    }
}
