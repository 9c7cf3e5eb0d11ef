namespace Serverless.Monitoring.Benchmarks.Scraping;

/// <summary>The real exporter payloads embedded in this assembly (see the project file).</summary>
public static class BenchmarkPayloads
{
    /// <summary>
    /// A full <c>/metrics</c> of Debian's prometheus-node-exporter 1.5 with its default
    /// collectors, captured on this 2-core VM: 507 samples, 57,704 bytes of text format 0.0.4.
    /// </summary>
    public const string NodeExporterFull = "node_exporter_full.prom";

    /// <summary>Samples (non-comment lines) in <see cref="NodeExporterFull"/>.</summary>
    public const int NodeExporterFullSamples = 507;

    /// <summary>The text format's content type, as node_exporter sends it.</summary>
    public const string TextContentType = "text/plain; version=0.0.4; charset=utf-8";

    public static byte[] Load(string name)
    {
        using var stream = typeof(BenchmarkPayloads).Assembly.GetManifestResourceStream("Payloads." + name)
            ?? throw new InvalidOperationException($"missing payload {name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
