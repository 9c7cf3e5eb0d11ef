using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Core.Import;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Dataset;
using Serverless.Monitoring.Tests.Fixtures;
using static Serverless.Monitoring.Benchmarks.BenchmarkLog;

namespace Serverless.Monitoring.Benchmarks.Storage;

/// <summary>
/// <c>storage-compare [--instances N] [--series N] [--hours H] [--runs N] [--keep DIR]</c> (issue 3, item 10):
/// generates the node_exporter-like dataset as OpenMetrics, imports it into our storage engine
/// (local disk, in process) and into Prometheus 2.42 with <c>promtool tsdb create-blocks-from
/// openmetrics</c>, then prints side by side: bytes per sample on disk, import samples per
/// second, and select latency (median of N) for one series over 6 h and one metric across all
/// instances over 6 h. Prometheus answers <c>/api/v1/query?query=sel[6h]&amp;time=end</c> over
/// loopback HTTP (JSON included); ours is <see cref="StorageEngine.SelectAsync"/> plus iterating
/// every sample, in process. Both are timed warm (after one unmeasured run).
/// </summary>
public static class StorageCompareCommand
{
    public const string Name = "storage-compare";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new NodeExporterLikeDatasetOptions();
        var runs = 21;
        string? keep = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--instances": options = options with { Instances = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--series": options = options with { SeriesPerInstance = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--hours": options = options with { Duration = TimeSpan.FromHours(double.Parse(value, CultureInfo.InvariantCulture)) }; break;
                case "--runs": runs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--keep": keep = value; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}; usage: {Name} [--instances N] [--series N] [--hours H] [--runs N] [--keep DIR]");
                    return 2;
            }
        }

        using var temp = new TempDirectory("sm-storage-compare-");
        var work = keep ?? temp.Path;
        Directory.CreateDirectory(work);
        var file = Path.Combine(work, "dataset.om");
        var ours = Path.Combine(work, "ours");
        var prom = Path.Combine(work, "prometheus");
        foreach (var dir in new[] { ours, prom })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        // 1. The dataset.
        var dataset = new NodeExporterLikeDataset(options);
        Log($"generating {dataset.ExpectedSampleCount:N0} samples ({dataset.SeriesCount:N0} series) to {file}");
        await using (var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16))
        {
            await dataset.WriteOpenMetricsAsync(stream);
        }

        var (minT, maxT) = dataset.TimeRange;
        var samples = dataset.SamplesWritten;
        var fileBytes = dataset.BytesWritten;

        // 2. Ours: import into local disk (includes the final compaction).
        Log("importing into ours (local disk)");
        var stopwatch = Stopwatch.StartNew();
        var engine = await StorageEngine.OpenAsync(new LocalDiskStorageProvider(ours));
        var latency = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.Batch; // as the import command runs it
        ImportResult imported;
        try
        {
            imported = await new OpenMetricsImporter(engine).ImportFileAsync(file);
        }
        finally
        {
            GCSettings.LatencyMode = latency;
        }

        var oursImport = stopwatch.Elapsed;
        var oursBytes = FolderBytes(ours);
        Log($"ours: {imported.SamplesStored:N0} samples stored in {oursImport.TotalSeconds:F1} s, {imported.Blocks} block(s), {oursBytes:N0} bytes");

        // 3. Prometheus: promtool backfill.
        Log("importing into Prometheus (promtool tsdb create-blocks-from openmetrics)");
        stopwatch.Restart();
        var promtool = await Promtool.RunAsync(["tsdb", "create-blocks-from", "openmetrics", file, prom], timeout: TimeSpan.FromHours(1));
        var promImport = stopwatch.Elapsed;
        if (!promtool.Succeeded)
        {
            await Console.Error.WriteLineAsync(promtool.ToString());
            return 1;
        }

        var promBytes = FolderBytes(prom);
        var promBlocks = Directory.GetDirectories(prom).Length;
        Log($"prometheus: {promImport.TotalSeconds:F1} s, {promBlocks} block(s), {promBytes:N0} bytes");

        // 4. Selections: one series, and one metric across all instances, over the last 6 h.
        var instance = $"node-{1:D3}:9100";
        var oneSeries = $"node_load1{{instance=\"{instance}\"}}";
        const string oneMetric = "node_load1";
        var range = TimeSpan.FromHours(6);
        var from = maxT - (long)range.TotalMilliseconds;
        var oursOne = await TimeOursAsync(engine, [LabelMatcher.Equal("__name__", "node_load1"), LabelMatcher.Equal("instance", instance)], from, maxT, runs);
        var oursAll = await TimeOursAsync(engine, [LabelMatcher.Equal("__name__", "node_load1")], from, maxT, runs);

        // Prometheus on the promtool output; the dataset lies in the past, so keep it (retention far beyond its age).
        var ageYears = Math.Ceiling((DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(minT)).TotalDays / 365) + 10;
        var port = FreePort.Get();
        var config = Path.Combine(work, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1h\n");
        (Median One, Median All) promLatency;
        await using (var prometheus = ExternalProcess.Start(
            "prometheus",
            PrometheusFixture.FindBinary(),
            [
                $"--config.file={config}",
                $"--storage.tsdb.path={prom}",
                $"--storage.tsdb.retention.time={ageYears.ToString(CultureInfo.InvariantCulture)}y",
                $"--web.listen-address=127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}",
            ],
            workingDirectory: work))
        {
            var baseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
            await prometheus.WaitForHttpAsync(new Uri(baseUri, "-/ready"), TimeSpan.FromMinutes(2));
            using var http = LoopbackHttp.CreateClient(TimeSpan.FromMinutes(1));
            var time = (maxT / 1000.0).ToString("F3", CultureInfo.InvariantCulture);
            var promOne = await TimePrometheusAsync(http, baseUri, $"{oneSeries}[6h]", time, runs);
            var promAll = await TimePrometheusAsync(http, baseUri, $"{oneMetric}[6h]", time, runs);
            promLatency = (promOne, promAll);
        }

        // 5. Side by side.
        var inv = CultureInfo.InvariantCulture;
        var report = new StringBuilder();
        report.AppendLine(string.Create(inv, $"dataset: {options.Instances} instances x {options.SeriesPerInstance} series x {options.Duration.TotalHours:F0} h at {options.Interval.TotalSeconds:F0} s = {samples:N0} samples, {dataset.SeriesCount:N0} series, {fileBytes:N0} bytes of OpenMetrics"));
        report.AppendLine(string.Create(inv, $"{"",-56}{"ours",16}{"Prometheus 2.42",18}{"ours/Prometheus",18}"));
        Row(report, "bytes on disk", oursBytes.ToString("N0", inv), promBytes.ToString("N0", inv), (double)oursBytes / promBytes, "lower is better");
        Row(report, "bytes per sample", ((double)oursBytes / samples).ToString("F3", inv), ((double)promBytes / samples).ToString("F3", inv), (double)oursBytes / promBytes, "lower is better");
        Row(report, "blocks", imported.Blocks.ToString(inv), promBlocks.ToString(inv), null, null);
        Row(report, "import time (s)", oursImport.TotalSeconds.ToString("F1", inv), promImport.TotalSeconds.ToString("F1", inv), oursImport / promImport, "lower is better");
        var oursRate = samples / oursImport.TotalSeconds;
        var promRate = samples / promImport.TotalSeconds;
        Row(report, "import samples/s", oursRate.ToString("N0", inv), promRate.ToString("N0", inv), oursRate / promRate, "higher is better");
        Row(report, $"select {oneSeries}[6h] (ms, median)", oursOne.Milliseconds.ToString("F3", inv), promLatency.One.Milliseconds.ToString("F3", inv), oursOne.Milliseconds / promLatency.One.Milliseconds, "lower is better");
        Row(report, $"  samples returned", oursOne.Samples.ToString("N0", inv), promLatency.One.Samples.ToString("N0", inv), null, null);
        Row(report, $"select {oneMetric}[6h], all instances (ms, median)", oursAll.Milliseconds.ToString("F3", inv), promLatency.All.Milliseconds.ToString("F3", inv), oursAll.Milliseconds / promLatency.All.Milliseconds, "lower is better");
        Row(report, $"  samples returned", oursAll.Samples.ToString("N0", inv), promLatency.All.Samples.ToString("N0", inv), null, null);
        report.AppendLine(string.Create(inv, $"notes: ours is in process (SelectAsync + iterating every sample, warm block cache); Prometheus is timed over loopback HTTP (/api/v1/query, JSON encoding and transfer included), warm; median of {runs} runs after one unmeasured run."));
        report.AppendLine("       ours: total size of the data folder (blobs and table files), after the import's compaction; Prometheus: the blocks promtool wrote (before Prometheus opened them).");
        Console.Write(report.ToString());
        return 0;
    }

    private static void Row(StringBuilder report, string what, string ours, string prom, double? ratio, string? hint)
    {
        var r = ratio is { } x ? x.ToString("F3", CultureInfo.InvariantCulture) : string.Empty;
        report.AppendLine(string.Create(CultureInfo.InvariantCulture, $"{what,-56}{ours,16}{prom,18}{r,18}{(hint is null ? string.Empty : "  (" + hint + ")")}"));
    }

    private readonly record struct Median(double Milliseconds, long Samples);

    private static async Task<Median> TimeOursAsync(StorageEngine engine, LabelMatcher[] matchers, long from, long to, int runs)
    {
        var times = new List<double>();
        long count = 0;
        for (var run = 0; run <= runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            var selection = await engine.SelectAsync(matchers, from, to);
            count = 0;
            foreach (var series in selection.Series)
            {
                var it = series.Iterator();
                while (it.MoveNext())
                {
                    count++;
                }
            }

            if (run > 0)
            {
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        times.Sort();
        return new Median(times[times.Count / 2], count);
    }

    private static async Task<Median> TimePrometheusAsync(HttpClient http, Uri baseUri, string query, string time, int runs)
    {
        var uri = new Uri(baseUri, $"api/v1/query?query={Uri.EscapeDataString(query)}&time={time}");
        var times = new List<double>();
        byte[] body = [];
        for (var run = 0; run <= runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            using var response = await http.GetAsync(uri);
            body = await response.Content.ReadAsByteArrayAsync();
            if (run > 0)
            {
                times.Add(stopwatch.Elapsed.TotalMilliseconds);
            }

            response.EnsureSuccessStatusCode();
        }

        using var json = JsonDocument.Parse(body);
        long count = 0;
        foreach (var series in json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            count += series.GetProperty("values").GetArrayLength();
        }

        times.Sort();
        return new Median(times[times.Count / 2], count);
    }

    private static long FolderBytes(string path) =>
        new DirectoryInfo(path).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Length);
}
