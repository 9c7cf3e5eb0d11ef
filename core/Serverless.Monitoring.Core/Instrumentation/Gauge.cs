namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>A value that goes up and down (Prometheus gauge); lock-free.</summary>
public sealed class Gauge : Metric
{
    private readonly ChildSet<Gauge>? _children;
    private long _bits;

    internal Gauge(MetricFamilyInfo family)
        : base(family, [])
    {
        if (family.LabelNames.Length > 0)
        {
            _children = new ChildSet<Gauge>(family.LabelNames.Length);
        }
    }

    private Gauge(MetricFamilyInfo family, string[] labelValues)
        : base(family, labelValues)
    {
    }

    public override MetricType Type => MetricType.Gauge;

    /// <summary>The current value (0 on a labeled family root).</summary>
    public double Value => AtomicDouble.Read(ref _bits);

    /// <summary>The series of this family with the given label values, created on first use.</summary>
    public Gauge WithLabels(params ReadOnlySpan<string> labelValues)
    {
        if (_children is null)
        {
            throw new InvalidOperationException($"Metric '{Name}' has no label names (or is already a child).");
        }

        return _children.GetOrAdd(Name, labelValues, static (family, values) => new Gauge(family, values), Family);
    }

    public void Set(double value)
    {
        ThrowIfLabeledFamily();
        AtomicDouble.Write(ref _bits, value);
    }

    public void Inc(double amount = 1)
    {
        ThrowIfLabeledFamily();
        AtomicDouble.Add(ref _bits, amount);
    }

    public void Dec(double amount = 1)
    {
        ThrowIfLabeledFamily();
        AtomicDouble.Add(ref _bits, -amount);
    }

    internal override void WriteFamily(TextExpositionWriter writer)
    {
        if (_children is null)
        {
            writer.WriteHelpAndType(Name, Help, MetricType.Gauge);
            writer.WriteSample(Name, [], [], Value);
            return;
        }

        var children = _children.Snapshot;
        if (children.Length == 0)
        {
            return;
        }

        writer.WriteHelpAndType(Name, Help, MetricType.Gauge);
        foreach (var child in children)
        {
            writer.WriteSample(Name, Family.LabelNames, child.LabelValues, child.Value);
        }
    }
}
