using System.Globalization;
using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Tests.Storage.Blocks;

namespace Serverless.Monitoring.Benchmarks.Storage;

/// <summary>
/// Block write and selective read on a node_exporter-like data set (see <see cref="NodeExporterData"/>):
/// 10 instances, about 3,300 series, 2 hours at 15 s (480 samples a series, 1.6 M samples).
/// <see cref="Write"/> counts one operation per sample (samples per second = 1e9 / ns per op);
/// the reads are one operation per query against an in-memory store. Setup prints the block's
/// bytes per sample.
/// </summary>
[MemoryDiagnoser]
public class BlockBenchmarks
{
    private const int Instances = 10;
    private const int SamplesPerWrite = 1_584_000;

    private (LabelSet Labels, Sample[] Samples)[] _series = [];
    private long _samples;
    private InMemoryBlobStore _store = null!;
    private BlockIndex _index = null!;
    private LabelMatcher[] _oneSeries = [];
    private LabelMatcher[] _oneMetric = [];

    /// <summary>Timestamp jitter per scrape in ms: 0 (perfectly regular) or 2 (as real scrapes).</summary>
    [Params(0, 2)]
    public int JitterMs { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        _series = NodeExporterData.Generate(new NodeExporterData.Options { Instances = Instances, JitterMs = JitterMs }).ToArray();
        _samples = _series.Sum(s => (long)s.Samples.Length);
        if (_samples != SamplesPerWrite)
        {
            throw new InvalidOperationException($"the data set has {_samples} samples; update SamplesPerWrite");
        }

        var bytes = BuildWriter().ToArray(out var meta);
        _store = new InMemoryBlobStore();
        _store.PutAsync("block", new MemoryStream(bytes)).GetAwaiter().GetResult();
        _index = BlockReader.ReadIndexAsync(_store, "block", bytes.Length).GetAwaiter().GetResult();
        _oneSeries = [LabelMatcher.Equal("__name__", "node_load1"), LabelMatcher.Equal("instance", "node-003.example.internal:9100")];
        _oneMetric = [LabelMatcher.Equal("__name__", "node_cpu_seconds_total"), LabelMatcher.Equal("mode", "user")];
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"// block: {meta.NumSeries} series, {meta.NumSamples} samples, {meta.NumChunks} chunks, {bytes.Length} bytes, {(double)bytes.Length / meta.NumSamples:F3} bytes/sample, index {_index.EstimatedSizeBytes} bytes in memory"));
    }

    [Benchmark(OperationsPerInvoke = SamplesPerWrite)]
    public long Write()
    {
        var output = new MemoryStream((int)(_samples * 3));
        return BuildWriter().WriteTo(output).SizeBytes;
    }

    [Benchmark]
    public async Task<BlockIndex> OpenIndex() => await BlockReader.ReadIndexAsync(_store, "block", _index.BlobLength);

    [Benchmark]
    public Task<double> SelectOneSeries() => SelectAsync(_oneSeries);

    [Benchmark]
    public Task<double> SelectOneMetricAcrossInstances() => SelectAsync(_oneMetric);

    private async Task<double> SelectAsync(LabelMatcher[] matchers)
    {
        var reader = new BlockReader(_store, _index);
        var series = await reader.SeriesAsync(matchers);
        var chunks = await reader.ReadSeriesChunksAsync(series);
        var sum = 0.0;
        foreach (var list in chunks)
        {
            foreach (var chunk in list)
            {
                var it = chunk.Iterator();
                while (it.MoveNext())
                {
                    sum += it.Value;
                }
            }
        }

        return sum;
    }

    private BlockWriter BuildWriter()
    {
        var writer = new BlockWriter();
        foreach (var (labels, samples) in _series)
        {
            writer.Add(labels, samples);
        }

        return writer;
    }
}
