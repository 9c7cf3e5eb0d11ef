namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// The type of a metric family as a <c># TYPE</c> line declares it (Prometheus's
/// <c>model.MetricType</c>). The text format's <c>untyped</c> is <see cref="Unknown"/>.
/// </summary>
public enum MetricFamilyType
{
    Unknown,
    Counter,
    Gauge,
    Histogram,
    GaugeHistogram,
    Summary,
    Info,
    StateSet,
}

/// <summary>The names Prometheus uses for <see cref="MetricFamilyType"/> (metadata API, OpenMetrics).</summary>
public static class MetricFamilyTypeNames
{
    /// <summary><c>counter</c>, <c>gaugehistogram</c>, <c>stateset</c>, ... as in OpenMetrics and Prometheus's metadata API.</summary>
    public static string ToPrometheusName(this MetricFamilyType type) => type switch
    {
        MetricFamilyType.Counter => "counter",
        MetricFamilyType.Gauge => "gauge",
        MetricFamilyType.Histogram => "histogram",
        MetricFamilyType.GaugeHistogram => "gaugehistogram",
        MetricFamilyType.Summary => "summary",
        MetricFamilyType.Info => "info",
        MetricFamilyType.StateSet => "stateset",
        _ => "unknown",
    };
}
