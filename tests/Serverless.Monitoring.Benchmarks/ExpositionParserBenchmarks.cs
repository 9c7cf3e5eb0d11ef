using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.Exposition;

namespace Serverless.Monitoring.Benchmarks;

/// <summary>
/// Parsing a real node_exporter payload (the trimmed scrape the parser tests use: 135 samples
/// and their HELP/TYPE lines), one operation per sample, so samples per second = 1e9 / (ns per
/// op). <c>Samples</c> is the scrape loop's hot path (series bytes, value, timestamp: what a
/// series cache needs); <c>SamplesWithLabels</c> also builds every label set (all cache
/// misses). Target: at least 5 million samples per second per core for the text format.
/// </summary>
[MemoryDiagnoser]
public class ExpositionParserBenchmarks
{
    private const int SamplesPerPayload = 135;

    private byte[] _payload = [];
    private ExpositionParser _parser = null!;

    [Params("text", "openmetrics")]
    public string Format { get; set; } = "text";

    [GlobalSetup]
    public void Setup()
    {
        var name = Format == "text" ? "node_exporter.prom" : "node_exporter.om";
        using var stream = typeof(ExpositionParserBenchmarks).Assembly.GetManifestResourceStream("Payloads." + name)
            ?? throw new InvalidOperationException($"missing payload {name}");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        _payload = copy.ToArray();
        _parser = Format == "text" ? new PrometheusTextParser(_payload) : new OpenMetricsTextParser(_payload);
        var samples = Samples();
        if (samples.Count != SamplesPerPayload)
        {
            throw new InvalidOperationException($"expected {SamplesPerPayload} samples, parsed {samples.Count}");
        }
    }

    [Benchmark(OperationsPerInvoke = SamplesPerPayload)]
    public (int Count, double Checksum) Samples()
    {
        var parser = _parser;
        parser.Reset(_payload);
        var count = 0;
        var checksum = 0.0;
        ExpositionEntry entry;
        while ((entry = parser.Next()) != ExpositionEntry.Eof)
        {
            if (entry == ExpositionEntry.Series)
            {
                count++;
                checksum += parser.Value + parser.Series.Length + (parser.Timestamp ?? 0);
            }
        }

        return (count, checksum);
    }

    [Benchmark(OperationsPerInvoke = SamplesPerPayload)]
    public int SamplesWithLabels()
    {
        var parser = _parser;
        parser.Reset(_payload);
        var labels = 0;
        ExpositionEntry entry;
        while ((entry = parser.Next()) != ExpositionEntry.Eof)
        {
            if (entry == ExpositionEntry.Series)
            {
                labels += parser.GetLabelSet().Count;
            }
        }

        return labels;
    }
}
