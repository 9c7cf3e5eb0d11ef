using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Benchmarks.Scraping;

/// <summary>
/// The scrape hot path on a full real node_exporter payload (<see cref="BenchmarkPayloads.NodeExporterFull"/>,
/// 507 samples), one operation per sample, so samples per second per core = 1e9 / (ns per op):
/// <list type="bullet">
/// <item><c>NaiveSplitParse</c>, the baseline: <see cref="NaiveTextParser"/> (string.Split and double.Parse).</item>
/// <item><c>Parse</c>: <see cref="PrometheusTextParser"/>, series bytes, value and timestamp of every sample.</item>
/// <item><c>Append</c>: <see cref="ScrapeLoop.Append"/> in steady state (series cache warm, same series as
/// the scrape before): parse, cache lookup, staleness bookkeeping, the synthetic series.</item>
/// <item><c>Publish</c>: <see cref="SamplePublisher.PublishAsync"/> of one steady-state scrape's output alone.</item>
/// <item><c>AppendAndPublish</c>: both: <see cref="ScrapeLoop.Append"/>, then <see cref="SamplePublisher.PublishAsync"/> (remote-write encoding and
/// snappy) to a bus that drops the messages: the CPU of one scrape short of HTTP.</item>
/// </list>
/// The machine is shared, so Min and Median are shown beside Mean: the minimum is the least
/// disturbed by other processes taking the core.
/// </summary>
[MemoryDiagnoser]
[MinColumn]
[MedianColumn]
public class ScrapeLoopBenchmarks
{
    private const int Samples = BenchmarkPayloads.NodeExporterFullSamples;

    private byte[] _payload = [];
    private PrometheusTextParser _parser = null!;
    private ScrapeLoop _loop = null!;
    private SamplePublisher _publisher = null!;
    private IReadOnlyList<SeriesSamples> _output = [];
    private long _time = 1_700_000_000_000;

    [GlobalSetup]
    public void Setup()
    {
        _payload = BenchmarkPayloads.Load(BenchmarkPayloads.NodeExporterFull);
        _parser = new PrometheusTextParser(_payload);
        _loop = new ScrapeLoop(new ScrapeTarget
        {
            Job = "node",
            Url = new Uri("http://127.0.0.1:9100/metrics"),
            Labels = LabelSet.FromStrings("job", "node", "instance", "127.0.0.1:9100"),
            Interval = TimeSpan.FromSeconds(15),
            Timeout = TimeSpan.FromSeconds(10),
        });
        _publisher = new SamplePublisher(new DiscardingSampleTransport());

        // Every method must see all samples; two scrapes warm the series cache.
        Check("naive", NaiveSplitParse());
        Check("parse", Parse().Count);
        Check("append", Append() - ScrapeLoop.ReportNames.Count);
        var report = _loop.Append(_payload, BenchmarkPayloads.TextContentType, _time, TimeSpan.Zero, null).Report;
        if (!report.Up || report.SeriesAdded != 0)
        {
            throw new InvalidOperationException($"steady state expected, got up={report.Up} series added={report.SeriesAdded} ({report.Error})");
        }

        Check("append and publish", (int)AppendAndPublish() - ScrapeLoop.ReportNames.Count);
        _output = _loop.Append(_payload, BenchmarkPayloads.TextContentType, _time, TimeSpan.Zero, null).Series;
        Check("publish", (int)Publish() - ScrapeLoop.ReportNames.Count);
    }

    [Benchmark(Baseline = true, OperationsPerInvoke = Samples)]
    public int NaiveSplitParse()
    {
        var checksum = 0.0;
        var count = NaiveTextParser.Parse(_payload, (series, value, timestamp) => checksum += value + series.Length + (timestamp ?? 0));
        return checksum >= 0 ? count : -count;
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public (int Count, double Checksum) Parse()
    {
        var parser = _parser;
        parser.Reset(_payload);
        var count = 0;
        var checksum = 0.0;
        while (parser.Next() != ExpositionEntry.Eof)
        {
            if (parser.Entry == ExpositionEntry.Series)
            {
                count++;
                checksum += parser.Value + parser.Series.Length + (parser.Timestamp ?? 0);
            }
        }

        return (count, checksum);
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public int Append()
    {
        _time += 15_000;
        return _loop.Append(_payload, BenchmarkPayloads.TextContentType, _time, TimeSpan.FromMilliseconds(3), null).Series.Count;
    }

    [Benchmark(OperationsPerInvoke = Samples)]
    public long Publish() => _publisher.PublishAsync("node", _output).GetAwaiter().GetResult().Samples;

    [Benchmark(OperationsPerInvoke = Samples)]
    public long AppendAndPublish()
    {
        _time += 15_000;
        var output = _loop.Append(_payload, BenchmarkPayloads.TextContentType, _time, TimeSpan.FromMilliseconds(3), null);
        var published = _publisher.PublishAsync("node", output.Series).GetAwaiter().GetResult();
        return published.Samples;
    }

    private static void Check(string method, int samples)
    {
        if (samples != Samples)
        {
            throw new InvalidOperationException($"{method}: expected {Samples} samples, got {samples}");
        }
    }
}
