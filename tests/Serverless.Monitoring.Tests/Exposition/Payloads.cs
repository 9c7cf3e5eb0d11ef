namespace Serverless.Monitoring.Tests.Exposition;

/// <summary>
/// Real payloads embedded in the test assembly: a trimmed node_exporter 1.5 scrape and a
/// trimmed Prometheus 2.42 self-scrape (text format, as both serve it), and the same data in
/// OpenMetrics form (TYPE/HELP on the family name without <c>_total</c>, <c>unknown</c> for
/// <c>untyped</c>, a final <c># EOF</c>). MAC addresses and host names were replaced.
/// </summary>
internal static class Payloads
{
    public const string NodeExporterText = "node_exporter.prom";
    public const string NodeExporterOpenMetrics = "node_exporter.om";
    public const string PrometheusText = "prometheus.prom";
    public const string PrometheusOpenMetrics = "prometheus.om";

    public static IReadOnlyList<string> All { get; } =
        [NodeExporterText, NodeExporterOpenMetrics, PrometheusText, PrometheusOpenMetrics];

    public static byte[] Read(string name)
    {
        using var stream = typeof(Payloads).Assembly.GetManifestResourceStream("Exposition.Payloads." + name)
            ?? throw new InvalidOperationException($"missing embedded payload {name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
