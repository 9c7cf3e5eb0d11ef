namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>
/// A monotonically increasing value (Prometheus counter). Integral increments take one
/// <see cref="Interlocked.Increment(ref long)"/>; fractional ones a compare-and-swap loop.
/// Counter names should end in <c>_total</c>.
/// </summary>
public sealed class Counter : Metric
{
    private readonly ChildSet<Counter>? _children;
    private long _integral;
    private long _fractionalBits;

    internal Counter(MetricFamilyInfo family)
        : base(family, [])
    {
        if (family.LabelNames.Length > 0)
        {
            _children = new ChildSet<Counter>(family.LabelNames.Length);
        }
    }

    private Counter(MetricFamilyInfo family, string[] labelValues)
        : base(family, labelValues)
    {
    }

    public override MetricType Type => MetricType.Counter;

    /// <summary>The current value (0 on a labeled family root).</summary>
    public double Value => Volatile.Read(ref _integral) + AtomicDouble.Read(ref _fractionalBits);

    /// <summary>The series of this family with the given label values, created on first use.</summary>
    public Counter WithLabels(params ReadOnlySpan<string> labelValues)
    {
        if (_children is null)
        {
            throw new InvalidOperationException($"Metric '{Name}' has no label names (or is already a child).");
        }

        return _children.GetOrAdd(Name, labelValues, static (family, values) => new Counter(family, values), Family);
    }

    public void Inc()
    {
        ThrowIfLabeledFamily();
        Interlocked.Increment(ref _integral);
    }

    /// <summary>Adds <paramref name="amount"/>, which must not be negative.</summary>
    public void Inc(double amount)
    {
        ThrowIfLabeledFamily();
        if (amount < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(amount), amount, $"Counter '{Name}' cannot decrease.");
        }

        if (amount == Math.Floor(amount) && amount <= long.MaxValue / 2)
        {
            Interlocked.Add(ref _integral, (long)amount);
        }
        else
        {
            AtomicDouble.Add(ref _fractionalBits, amount);
        }
    }

    /// <summary>
    /// Raises the value to <paramref name="target"/> if it is lower; never lowers it. For counters
    /// that mirror a cumulative value read from elsewhere (CPU seconds, GC collections).
    /// </summary>
    public void IncTo(double target)
    {
        ThrowIfLabeledFamily();
        var current = Volatile.Read(ref _fractionalBits);
        while (true)
        {
            var integral = Volatile.Read(ref _integral);
            if (!(target > integral + BitConverter.Int64BitsToDouble(current)))
            {
                return;
            }

            var next = BitConverter.DoubleToInt64Bits(target - integral);
            var seen = Interlocked.CompareExchange(ref _fractionalBits, next, current);
            if (seen == current)
            {
                return;
            }

            current = seen;
        }
    }

    internal override void WriteFamily(TextExpositionWriter writer)
    {
        if (_children is null)
        {
            writer.WriteHelpAndType(Name, Help, MetricType.Counter);
            writer.WriteSample(Name, [], [], Value);
            return;
        }

        var children = _children.Snapshot;
        if (children.Length == 0)
        {
            return;
        }

        writer.WriteHelpAndType(Name, Help, MetricType.Counter);
        foreach (var child in children)
        {
            writer.WriteSample(Name, Family.LabelNames, child.LabelValues, child.Value);
        }
    }
}
