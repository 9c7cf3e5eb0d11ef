namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>
/// A metric family (a name, help text, type and label names) or one of its children (the same
/// family bound to label values). A family without label names is its own only series; a family
/// with label names hands out children from <c>WithLabels</c>. Create them on a
/// <see cref="MetricRegistry"/>.
/// </summary>
public abstract class Metric
{
    private protected Metric(MetricFamilyInfo family, string[] labelValues)
    {
        Family = family;
        LabelValues = labelValues;
    }

    /// <summary>The family name, e.g. <c>prometheus_http_requests_total</c>.</summary>
    public string Name => Family.Name;

    public string Help => Family.Help;

    public abstract MetricType Type { get; }

    public IReadOnlyList<string> LabelNames => Family.LabelNames;

    private protected MetricFamilyInfo Family { get; }

    /// <summary>The values of this series' labels; empty on a family root.</summary>
    private protected string[] LabelValues { get; }

    /// <summary>True for a family root that has label names (it holds no value itself).</summary>
    private protected bool IsLabeledFamily => Family.LabelNames.Length > 0 && LabelValues.Length == 0;

    private protected void ThrowIfLabeledFamily()
    {
        if (IsLabeledFamily)
        {
            throw new InvalidOperationException(
                $"Metric '{Name}' has labels ({string.Join(", ", Family.LabelNames)}); set values on WithLabels(...), not on the family.");
        }
    }

    /// <summary>Writes the family (HELP, TYPE and every series); writes nothing while it has no series.</summary>
    internal abstract void WriteFamily(TextExpositionWriter writer);
}

/// <summary>What all series of one family share.</summary>
internal sealed class MetricFamilyInfo(string name, string help, string[] labelNames)
{
    public string Name { get; } = name;

    public string Help { get; } = help;

    public string[] LabelNames { get; } = labelNames;
}
