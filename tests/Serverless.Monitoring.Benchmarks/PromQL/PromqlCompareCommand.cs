using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Dataset;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>
/// <c>promql-compare [--instances N] [--series N] [--hours H] [--runs N] [--warmup-seconds S] [--only name,name] [--keep DIR]</c>
/// (issue 4, item 5): generates the node_exporter-like dataset, imports it into our storage engine
/// (local disk) and into Prometheus 2.42 (<c>promtool tsdb create-blocks-from openmetrics</c>, then a
/// real <c>prometheus</c> on a free loopback port), and times every query of
/// <see cref="PromqlBenchmarkQueries"/> on both: ours in process (parse + <see cref="PromQLEngine"/> over
/// <see cref="StorageSeriesSource"/>; we have no HTTP query API yet), Prometheus over HTTP with
/// <c>stats=all</c>, so its own server-side <c>execTotalTime</c> gives a second, like-for-like ratio.
/// Results are compared (series count, labels, timestamps, values within 1e-9 relative). Peak memory
/// of both processes during the query phase comes from <c>VmHWM</c>, reset first through
/// <c>/proc/&lt;pid&gt;/clear_refs</c>.
/// </summary>
public static class PromqlCompareCommand
{
    public const string Name = "promql-compare";

    private const double Tolerance = 1e-9;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new NodeExporterLikeDatasetOptions();
        var runs = 11;
        var warmup = TimeSpan.FromSeconds(2);
        string? keep = null;
        HashSet<string>? only = null;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--instances": options = options with { Instances = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--series": options = options with { SeriesPerInstance = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--hours": options = options with { Duration = TimeSpan.FromHours(double.Parse(value, CultureInfo.InvariantCulture)) }; break;
                case "--runs": runs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--warmup-seconds": warmup = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); break;
                case "--only": only = [.. value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)]; break;
                case "--keep": keep = value; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}; usage: {Name} [--instances N] [--series N] [--hours H] [--runs N] [--warmup-seconds S] [--only name,name] [--keep DIR]");
                    return 2;
            }
        }

        var queries = PromqlBenchmarkQueries.All.Where(q => only is null || only.Contains(q.Name)).ToArray();
        var loadAtStart = LoadAverage();
        using var temp = new TempDirectory("sm-promql-compare-");
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

        // 1. The dataset, into both stores.
        var dataset = new NodeExporterLikeDataset(options);
        Log($"generating {dataset.ExpectedSampleCount:N0} samples ({dataset.SeriesCount:N0} series) to {file}");
        await OursBenchStore.WriteAsync(dataset, file);
        var (minT, _) = dataset.TimeRange;

        Log("importing into ours (local disk)");
        var imported = await ImportOursAsync(file, ours);
        Log($"ours: {imported.SamplesStored:N0} samples stored, {imported.Blocks} block(s)");

        // Queried through a fresh engine on the imported folder, as Prometheus opens promtool's
        // blocks: nothing the import built stays in memory.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var engine = await StorageEngine.OpenAsync(new LocalDiskStorageProvider(ours));

        Log("importing into Prometheus (promtool tsdb create-blocks-from openmetrics)");
        var promtool = await Promtool.RunAsync(["tsdb", "create-blocks-from", "openmetrics", file, prom], timeout: TimeSpan.FromHours(1));
        if (!promtool.Succeeded)
        {
            await Console.Error.WriteLineAsync(promtool.ToString());
            return 1;
        }

        var promBlocks = Directory.GetDirectories(prom).Length;
        Log($"prometheus: {promBlocks} block(s)");
        File.Delete(file);

        // 2. Prometheus on the promtool output. The data lies in the past: retention far beyond its
        // age. Block compaction off (max block 2 h) so no compaction runs while we time queries.
        var ageYears = Math.Ceiling((DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(minT)).TotalDays / 365) + 10;
        var port = FreePort.Get();
        var config = Path.Combine(work, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1h\n");
        var inv = CultureInfo.InvariantCulture;
        await using var prometheus = ExternalProcess.Start(
            "prometheus",
            PrometheusFixture.FindBinary(),
            [
                $"--config.file={config}",
                $"--storage.tsdb.path={prom}",
                $"--storage.tsdb.retention.time={ageYears.ToString(inv)}y",
                "--storage.tsdb.max-block-duration=2h",
                $"--web.listen-address=127.0.0.1:{port.ToString(inv)}",
            ],
            workingDirectory: work);
        var baseUri = new Uri($"http://127.0.0.1:{port.ToString(inv)}/");
        await prometheus.WaitForHttpAsync(new Uri(baseUri, "-/ready"), TimeSpan.FromMinutes(2));
        using var http = LoopbackHttp.CreateClient(TimeSpan.FromMinutes(2));

        // 3. The query phase: memory high-water marks reset first, GC heap sampled throughout.
        var source = new StorageSeriesSource(engine);
        var promqlEngine = new PromQLEngine(source);
        var evalEnd = PromqlBenchmarkQueries.EvaluationTimeMs(options.End);
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        GC.WaitForPendingFinalizers();
        var self = Environment.ProcessId;
        var heapBefore = GC.GetTotalMemory(forceFullCollection: true);
        var oursBefore = Memory.Read(self);
        var promBefore = Memory.Read(prometheus.Id);
        var resetOk = Memory.ResetPeak(self) & Memory.ResetPeak(prometheus.Id);
        var promAllocBefore = await PrometheusMetricAsync(http, baseUri, "go_memstats_alloc_bytes_total");
        var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
        using var heapSampler = new HeapSampler();

        var rows = new List<Row>();
        foreach (var q in queries)
        {
            Log($"{q.Name}: {q.Query} ({q.Shape})");
            rows.Add(await CompareAsync(q, promqlEngine, http, baseUri, evalEnd, runs, warmup));
        }

        var heapPeak = heapSampler.Stop();
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;
        var oursAfter = Memory.Read(self);
        var promAfter = Memory.Read(prometheus.Id);
        var promAllocated = await PrometheusMetricAsync(http, baseUri, "go_memstats_alloc_bytes_total") - promAllocBefore;
        await prometheus.DisposeAsync(); // stops it by PID before the data folder is deleted
        var loadAtEnd = LoadAverage();

        // 4. The report.
        var report = new StringBuilder();
        report.AppendLine(string.Create(inv, $"dataset: {options.Instances} instances x {options.SeriesPerInstance} series x {options.Duration.TotalHours:F0} h at {options.Interval.TotalSeconds:F0} s = {dataset.SamplesWritten:N0} samples, {dataset.SeriesCount:N0} series; ours: {imported.Blocks} block(s), Prometheus: {promBlocks} block(s)"));
        report.AppendLine(string.Create(inv, $"evaluation time {DateTimeOffset.FromUnixTimeMilliseconds(evalEnd):O} (range queries end there); median of {runs} runs, ours and Prometheus alternating, after a warm-up per query (ours: at least 20 runs and {warmup.TotalSeconds:F0} s, for tiered JIT; Prometheus: 3 runs)"));
        report.AppendLine(string.Create(inv, $"load average {loadAtStart} at the start, {loadAtEnd} at the end; {Environment.ProcessorCount} cores"));
        report.AppendLine("ours: in process (parse + PromQLEngine over StorageSeriesSource, a fresh StorageEngine on the imported local-disk folder, warm block cache) -- we have no HTTP query API yet, so no HTTP or JSON in our time.");
        report.AppendLine("prom http: loopback GET /api/v1/query[_range]?stats=all, response body read (JSON encoding and transfer included); prom exec: its own data.stats.timings.execTotalTime (queue + prepare/select + eval + sort, no HTTP or JSON).");
        report.AppendLine("KiB: allocated per run (ours: GC.GetTotalAllocatedBytes; Prometheus: go_memstats_alloc_bytes_total, HTTP and JSON included).");
        report.AppendLine();
        report.AppendLine(string.Create(inv, $"{"query",-24}{"shape",-16}{"series",8}{"ours ms",10}{"prom http",11}{"prom exec",11}{"ours/http",11}{"ours/exec",11}{"ours KiB",10}{"prom KiB",10}  results"));
        foreach (var r in rows)
        {
            report.AppendLine(string.Create(inv, $"{r.Query.Name,-24}{r.Query.Shape,-16}{r.Series,8}{r.Ours,10:F2}{r.PromHttp,11:F2}{r.PromExec,11:F2}{r.Ours / r.PromHttp,11:F3}{r.Ours / r.PromExec,11:F3}{r.OursBytes / 1024,10:N0}{r.PromBytes / 1024,10:N0}  {r.Agreement}"));
        }

        var overExec = rows.Count(r => r.Ours > r.PromExec);
        var overHttp = rows.Count(r => r.Ours > r.PromHttp);
        report.AppendLine(string.Create(inv, $"{"geometric mean",-48}{"",10}{"",11}{"",11}{GeoMean(rows.Select(r => r.Ours / r.PromHttp)),11:F3}{GeoMean(rows.Select(r => r.Ours / r.PromExec)),11:F3}"));
        report.AppendLine(string.Create(inv, $"{"sum of medians (ms)",-48}{rows.Sum(r => r.Ours),10:F2}{rows.Sum(r => r.PromHttp),11:F2}{rows.Sum(r => r.PromExec),11:F2}{rows.Sum(r => r.Ours) / rows.Sum(r => r.PromHttp),11:F3}{rows.Sum(r => r.Ours) / rows.Sum(r => r.PromExec),11:F3}"));
        report.AppendLine(string.Create(inv, $"queries over 1.0: {overHttp} of {rows.Count} against Prometheus over HTTP, {overExec} of {rows.Count} against its server-side exec time; results disagree on {rows.Count(r => r.Agreement != "ok")}"));
        report.AppendLine();
        report.AppendLine(resetOk ? "memory during the query phase (peak RSS = VmHWM after a clear_refs reset at its start):" : "memory during the query phase (the VmHWM reset failed: peaks include the phases before):");
        report.AppendLine(string.Create(inv, $"  ours:       RSS {Mb(oursBefore.Rss)} at the start, peak RSS {Mb(oursAfter.Peak)}; GC heap {Mb(heapBefore)} at the start, peak {Mb(heapPeak)} (sampled every 5 ms); {Mb(allocated)} allocated in the whole phase, warm-ups included"));
        report.AppendLine(string.Create(inv, $"  Prometheus: RSS {Mb(promBefore.Rss)} at the start, peak RSS {Mb(promAfter.Peak)}; {Mb((long)promAllocated)} allocated in the whole phase (go_memstats_alloc_bytes_total, HTTP and JSON included)"));
        report.AppendLine("  ours is the whole benchmark process (runtime, the HTTP client, what the import left after a full GC, and the block cache); Prometheus is the server alone.");
        Console.Write(report.ToString());
        return rows.Any(r => r.Agreement != "ok") ? 1 : 0;
    }

    /// <summary>Imports and lets go of the importing engine (kept out of <see cref="RunAsync"/>'s state, so a GC can free it).</summary>
    private static async Task<Core.Import.ImportResult> ImportOursAsync(string file, string directory) =>
        (await OursBenchStore.ImportAsync(file, directory)).Result;

    private sealed record Row(PromqlBenchmarkQuery Query, int Series, double Ours, double PromHttp, double PromExec, long OursBytes, long PromBytes, string Agreement);

    private static async Task<Row> CompareAsync(PromqlBenchmarkQuery q, PromQLEngine engine, HttpClient http, Uri baseUri, long evalEnd, int runs, TimeSpan warmup)
    {
        var rangeMs = (long)q.Range.TotalMilliseconds;
        var stepMs = (long)q.Step.TotalMilliseconds;
        var inv = CultureInfo.InvariantCulture;
        var seconds = (long ms) => (ms / 1000.0).ToString("F3", inv);
        var uri = q.IsRange
            ? new Uri(baseUri, $"api/v1/query_range?query={Uri.EscapeDataString(q.Query)}&start={seconds(evalEnd - rangeMs)}&end={seconds(evalEnd)}&step={seconds(stepMs)}&stats=all")
            : new Uri(baseUri, $"api/v1/query?query={Uri.EscapeDataString(q.Query)}&time={seconds(evalEnd)}&stats=all");

        // Warm-up: ours until tiered JIT has reached its optimised code for this query's paths
        // (time and runs both), Prometheus a few times (its postings and chunks paged in).
        var parsed = Parser.ParseExpr(q.Query);
        var warm = Stopwatch.StartNew();
        for (var run = 0; run < 2000 && (run < 20 || warm.Elapsed < warmup); run++)
        {
            _ = q.IsRange
                ? await engine.RangeQueryAsync(parsed, evalEnd - rangeMs, evalEnd, stepMs)
                : await engine.InstantQueryAsync(parsed, evalEnd);
        }

        for (var run = 0; run < 3; run++)
        {
            using var response = await http.GetAsync(uri);
            _ = await response.Content.ReadAsByteArrayAsync();
        }

        var oursTimes = new List<double>();
        var httpTimes = new List<double>();
        var execTimes = new List<double>();
        QueryResult? oursResult = null;
        byte[] body = [];
        long oursAllocated = 0;
        var promAllocatedBefore = await PrometheusMetricAsync(http, baseUri, "go_memstats_alloc_bytes_total");
        for (var run = 0; run < runs; run++)
        {
            var allocatedBefore = GC.GetTotalAllocatedBytes(precise: true);
            var stopwatch = Stopwatch.StartNew();
            var expr = Parser.ParseExpr(q.Query);
            oursResult = q.IsRange
                ? await engine.RangeQueryAsync(expr, evalEnd - rangeMs, evalEnd, stepMs)
                : await engine.InstantQueryAsync(expr, evalEnd);
            var oursMs = stopwatch.Elapsed.TotalMilliseconds;
            oursAllocated += GC.GetTotalAllocatedBytes(precise: true) - allocatedBefore;

            stopwatch.Restart();
            using (var response = await http.GetAsync(uri))
            {
                body = await response.Content.ReadAsByteArrayAsync();
                var httpMs = stopwatch.Elapsed.TotalMilliseconds;
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{q.Name}: HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
                }

                oursTimes.Add(oursMs);
                httpTimes.Add(httpMs);
                execTimes.Add(ExecSeconds(body) * 1000);
            }
        }

        // Prometheus's allocation counter also moves for the two /metrics reads around the runs.
        var promAllocated = await PrometheusMetricAsync(http, baseUri, "go_memstats_alloc_bytes_total") - promAllocatedBefore;
        var agreement = Agreement(oursResult!, body);
        return new Row(q, oursResult!.Series.Count, Median(oursTimes), Median(httpTimes), Median(execTimes), oursAllocated / runs, (long)(promAllocated / runs), agreement);
    }

    private static double ExecSeconds(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("data").GetProperty("stats").GetProperty("timings").GetProperty("execTotalTime").GetDouble();
    }

    /// <summary>"ok", or a mismatch marker saying what differs first.</summary>
    private static string Agreement(QueryResult ours, byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        var type = data.GetProperty("resultType").GetString();
        var result = data.GetProperty("result");
        if (type == "scalar")
        {
            return ours.Type == ExprType.Scalar && Close(ours.Scalar.Value, ParseValue(result[1])) ? "ok" : "MISMATCH scalar";
        }

        var theirs = new Dictionary<LabelSet, List<(long T, double V)>>();
        foreach (var series in result.EnumerateArray())
        {
            var labels = LabelSet.FromDictionary(series.GetProperty("metric").EnumerateObject().Select(p => KeyValuePair.Create(p.Name, p.Value.GetString()!)));
            var points = type == "matrix"
                ? series.GetProperty("values").EnumerateArray().Select(Point).ToList()
                : [Point(series.GetProperty("value"))];
            theirs[labels] = points;
        }

        if (theirs.Count != ours.Series.Count)
        {
            return string.Create(CultureInfo.InvariantCulture, $"MISMATCH series {ours.Series.Count} vs {theirs.Count}");
        }

        foreach (var s in ours.Series)
        {
            if (!theirs.TryGetValue(s.Labels, out var points))
            {
                return $"MISMATCH labels {s.Labels} not in Prometheus's result";
            }

            if (points.Count != s.Points.Count)
            {
                return string.Create(CultureInfo.InvariantCulture, $"MISMATCH {s.Labels}: {s.Points.Count} vs {points.Count} points");
            }

            for (var i = 0; i < points.Count; i++)
            {
                if (points[i].T != s.Points[i].TimestampMs || !Close(s.Points[i].Value, points[i].V))
                {
                    return string.Create(CultureInfo.InvariantCulture, $"MISMATCH {s.Labels} at {points[i].T}: {s.Points[i].TimestampMs}={s.Points[i].Value:R} vs {points[i].V:R}");
                }
            }
        }

        return "ok";

        static (long T, double V) Point(JsonElement pair) => ((long)Math.Round(pair[0].GetDouble() * 1000), ParseValue(pair[1]));
    }

    private static double ParseValue(JsonElement value) => value.GetString() switch
    {
        "NaN" => double.NaN,
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        var s => double.Parse(s!, CultureInfo.InvariantCulture),
    };

    private static bool Close(double a, double b) =>
        a.Equals(b) || Math.Abs(a - b) <= Tolerance * Math.Max(Math.Abs(a), Math.Abs(b));

    private static double Median(List<double> values)
    {
        values.Sort();
        return values[values.Count / 2];
    }

    private static double GeoMean(IEnumerable<double> ratios)
    {
        var list = ratios.ToList();
        return Math.Exp(list.Sum(Math.Log) / list.Count);
    }

    private static async Task<double> PrometheusMetricAsync(HttpClient http, Uri baseUri, string name)
    {
        var text = await http.GetStringAsync(new Uri(baseUri, "metrics"));
        foreach (var line in text.Split('\n'))
        {
            if (line.StartsWith(name + " ", StringComparison.Ordinal))
            {
                return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
            }
        }

        return double.NaN;
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    private static void Log(string message) =>
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

    /// <summary>Resident set size and its high-water mark of a process, from <c>/proc/&lt;pid&gt;/status</c>.</summary>
    private readonly record struct Memory(long Rss, long Peak)
    {
        public static Memory Read(int pid)
        {
            long rss = 0, peak = 0;
            foreach (var line in File.ReadLines($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/status"))
            {
                if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    rss = Kilobytes(line);
                }
                else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
                {
                    peak = Kilobytes(line);
                }
            }

            return new Memory(rss, peak);

            static long Kilobytes(string line) =>
                long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) * 1024;
        }

        /// <summary>Resets VmHWM to the current RSS ("5" to clear_refs, Linux 4.0+); false when not allowed.</summary>
        public static bool ResetPeak(int pid)
        {
            try
            {
                File.WriteAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/clear_refs", "5");
                return true;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return false;
            }
        }
    }

    /// <summary>Samples the GC heap size every 5 ms on a background thread until stopped; the maximum seen.</summary>
    private sealed class HeapSampler : IDisposable
    {
        private readonly CancellationTokenSource _stop = new();
        private readonly Task<long> _task;

        public HeapSampler()
        {
            _task = Task.Run(async () =>
            {
                long peak = 0;
                while (!_stop.IsCancellationRequested)
                {
                    peak = Math.Max(peak, GC.GetTotalMemory(forceFullCollection: false));
                    try
                    {
                        await Task.Delay(5, _stop.Token);
                    }
                    catch (OperationCanceledException)
                    {
                        break;
                    }
                }

                return peak;
            });
        }

        public long Stop()
        {
            _stop.Cancel();
            return _task.GetAwaiter().GetResult();
        }

        public void Dispose()
        {
            _stop.Cancel();
            _stop.Dispose();
        }
    }
}
