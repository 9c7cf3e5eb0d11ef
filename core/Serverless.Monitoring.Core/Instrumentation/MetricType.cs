namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>The metric types of the Prometheus text exposition format that this library produces.</summary>
public enum MetricType
{
    Counter,
    Gauge,
    Histogram,
}
