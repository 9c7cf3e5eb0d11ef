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
using static Serverless.Monitoring.Benchmarks.BenchmarkLog;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>
/// <c>promql-compare [--instances N] [--series N] [--hours H] [--runs N] [--warmup-seconds S] [--only name,name] [--keep DIR [--reuse]]</c>
/// (<c>--reuse</c>: the stores a previous run left in <c>--keep</c>'s folder, with the same dataset options, instead of importing again)
/// (issue 4, item 5): generates the node_exporter-like dataset, imports it into our storage engine
/// (local disk) and into Prometheus 2.42 (<c>promtool tsdb create-blocks-from openmetrics</c>), starts
/// both servers as separate processes on free loopback ports (ours: the built
/// <c>Serverless.Monitoring.Functions.dll</c> with scraping off; Prometheus: <c>prometheus</c>), and times
/// every query of <see cref="PromqlBenchmarkQueries"/> over HTTP against both with the same client
/// (<c>stats=all</c>, so each server's own <c>execTotalTime</c> gives a second, server-side ratio).
/// Our engine in this process on the same folder is timed too, to show what HTTP and JSON add.
/// Results of the two servers are compared (series count, labels, timestamps, values within 1e-9
/// relative). Memory is each server's <c>VmRSS</c>/<c>VmHWM</c> after start-up and after the queries
/// (the high-water mark reset in between through <c>/proc/&lt;pid&gt;/clear_refs</c> where allowed).
/// </summary>
public static class PromqlCompareCommand
{
    public const string Name = "promql-compare";

    /// <summary>Warm-up runs per query and target, whatever the warm-up time (tiered JIT needs 30 calls to promote).</summary>
    private const int MinWarmupRuns = 30;

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var options = new NodeExporterLikeDatasetOptions();
        var runs = 21;
        var warmup = TimeSpan.FromSeconds(2);
        string? keep = null;
        var reuse = false;
        HashSet<string>? only = null;
        if (args.Contains("--reuse"))
        {
            reuse = true;
            args = [.. args.Where(a => a != "--reuse")];
        }

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
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}; usage: {Name} [--instances N] [--series N] [--hours H] [--runs N] [--warmup-seconds S] [--only name,name] [--keep DIR [--reuse]]");
                    return 2;
            }
        }

        var queries = PromqlBenchmarkQueries.All.Where(q => only is null || only.Contains(q.Name)).ToArray();
        var loadAtStart = LoadAverage();
        using var temp = new TempDirectory("sm-promql-compare-");
        var work = Path.GetFullPath(keep ?? temp.Path);
        Directory.CreateDirectory(work);
        var dataset = new NodeExporterLikeDataset(options);
        var (minT, _) = dataset.TimeRange;
        if (await BenchStores.PrepareAsync(dataset, work, reuse && keep is not null) is not { } stores)
        {
            return 1;
        }

        var (ours, prom, samplesWritten, oursBlocks, promBlocks) = (stores.Ours, stores.Prometheus, stores.Samples, stores.OursBlocks, stores.PrometheusBlocks);

        // 2. Both servers on their folders. The data lies in the past: retention far beyond its age.
        // Prometheus's block compaction is off (max block 2 h) so none runs while we time queries;
        // ours has one imported block, which its minutely compaction leaves alone.
        var inv = CultureInfo.InvariantCulture;
        var retention = (Math.Ceiling((DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(minT)).TotalDays / 365) + 10).ToString(inv) + "y";
        var port = FreePort.Get();
        var config = Path.Combine(work, "prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1h\n");
        Log("starting Prometheus and ours");
        await using var prometheus = ExternalProcess.Start(
            "prometheus",
            PrometheusFixture.FindBinary(),
            [
                $"--config.file={config}",
                $"--storage.tsdb.path={prom}",
                $"--storage.tsdb.retention.time={retention}",
                "--storage.tsdb.max-block-duration=2h",
                $"--web.listen-address=127.0.0.1:{port.ToString(inv)}",
            ],
            workingDirectory: work);
        var promUri = new Uri($"http://127.0.0.1:{port.ToString(inv)}/");
        await prometheus.WaitForHttpAsync(new Uri(promUri, "-/ready"), TimeSpan.FromMinutes(2));

        // Scraping off (no targets, no ingest loop); the same empty-scrape prometheus.yml as Prometheus's.
        using var oursServer = await MonitoringHostProcess.StartAsync(
            work,
            new Dictionary<string, string?> { ["Scrape__Enabled"] = "false" },
            [$"--config.file={config}", $"--storage.tsdb.path={ours}", $"--storage.tsdb.retention.time={retention}"],
            TimeSpan.FromMinutes(2));
        var oursUri = oursServer.BaseUri;
        using var http = LoopbackHttp.CreateClient(TimeSpan.FromMinutes(2));

        // Our engine in this process too, on the same folder (read only), for the in-process column.
        GC.Collect(2, GCCollectionMode.Forced, blocking: true, compacting: true);
        var engine = await StorageEngine.OpenAsync(new LocalDiskStorageProvider(ours));
        var promqlEngine = new PromQLEngine(new StorageSeriesSource(engine));
        var evalEnd = PromqlBenchmarkQueries.EvaluationTimeMs(options.End);

        // 3. The query phase, between two memory readings of each server.
        var oursStart = ProcessMemory.Read(oursServer.Process.Id);
        var promStart = ProcessMemory.Read(prometheus.Id);
        var resetOk = ProcessMemory.ResetPeak(oursServer.Process.Id) & ProcessMemory.ResetPeak(prometheus.Id);
        var oursCounters = await Counters.ReadAsync(http, oursUri, "dotnet_gc_allocated_bytes_total");
        var promCounters = await Counters.ReadAsync(http, promUri, "go_memstats_alloc_bytes_total");
        var servers = new Servers(http, oursUri, promUri);

        var rows = new List<Row>();
        foreach (var q in queries)
        {
            Log($"{q.Name}: {q.Query} ({q.Shape})");
            rows.Add(await CompareAsync(q, promqlEngine, servers, evalEnd, runs, warmup));
        }

        var oursEnd = ProcessMemory.Read(oursServer.Process.Id);
        var promEnd = ProcessMemory.Read(prometheus.Id);
        var oursUsed = await Counters.ReadAsync(http, oursUri, "dotnet_gc_allocated_bytes_total") - oursCounters;
        var promUsed = await Counters.ReadAsync(http, promUri, "go_memstats_alloc_bytes_total") - promCounters;
        oursServer.Dispose(); // both stopped by PID before the data folder is deleted
        await prometheus.DisposeAsync();
        var loadAtEnd = LoadAverage();

        // 4. The report.
        var report = new StringBuilder();
        report.AppendLine(string.Create(inv, $"dataset: {options.Instances} instances x {options.SeriesPerInstance} series x {options.Duration.TotalHours:F0} h at {options.Interval.TotalSeconds:F0} s = {samplesWritten:N0} samples, {dataset.SeriesCount:N0} series; ours: {oursBlocks} block(s), Prometheus: {promBlocks} block(s)"));
        report.AppendLine(string.Create(inv, $"evaluation time {DateTimeOffset.FromUnixTimeMilliseconds(evalEnd):O} (range queries end there); median of {runs} runs per query, ours and Prometheus alternating, after a warm-up per query and target of at least {MinWarmupRuns} runs and {warmup.TotalSeconds:F0} s"));
        report.AppendLine(string.Create(inv, $"load average {loadAtStart} at the start, {loadAtEnd} at the end; {Environment.ProcessorCount} cores"));
        report.AppendLine("http: the same HttpClient, loopback GET /api/v1/query[_range]?...&stats=all, no compression, response body read (HTTP, parsing the request, evaluation, JSON encoding and transfer).");
        report.AppendLine("exec: each server's own data.stats.timings.execTotalTime (Prometheus: queue + prepare/select + eval + sort; ours: the engine's evaluation; no parsing, HTTP or JSON).");
        report.AppendLine("in-proc: our engine in the benchmark process on the same folder (parse + PromQLEngine over StorageSeriesSource), no HTTP or JSON.");
        report.AppendLine("KiB: allocated per run on each server (ours: dotnet_gc_allocated_bytes_total; Prometheus: go_memstats_alloc_bytes_total; both from /metrics, HTTP and JSON included).");
        report.AppendLine();
        report.AppendLine(string.Create(inv, $"{"query",-24}{"shape",-16}{"series",7}{"ours http",10}{"prom http",10}{"ratio",7}{"ours exec",10}{"prom exec",10}{"ratio",7}{"in-proc",9}{"ours KiB",10}{"prom KiB",10}  results"));
        foreach (var r in rows)
        {
            report.AppendLine(string.Create(inv, $"{r.Query.Name,-24}{r.Query.Shape,-16}{r.Series,7}{r.OursHttp,10:F2}{r.PromHttp,10:F2}{r.OursHttp / r.PromHttp,7:F3}{r.OursExec,10:F2}{r.PromExec,10:F2}{r.OursExec / r.PromExec,7:F3}{r.InProcess,9:F2}{r.OursBytes / 1024,10:N0}{r.PromBytes / 1024,10:N0}  {r.Agreement}"));
        }

        report.AppendLine(string.Create(inv, $"{"geometric mean of ratios",-47}{"",10}{"",10}{GeoMean(rows.Select(r => r.OursHttp / r.PromHttp)),7:F3}{"",10}{"",10}{GeoMean(rows.Select(r => r.OursExec / r.PromExec)),7:F3}"));
        report.AppendLine(string.Create(inv, $"{"sum of medians (ms)",-47}{rows.Sum(r => r.OursHttp),10:F2}{rows.Sum(r => r.PromHttp),10:F2}{rows.Sum(r => r.OursHttp) / rows.Sum(r => r.PromHttp),7:F3}{rows.Sum(r => r.OursExec),10:F2}{rows.Sum(r => r.PromExec),10:F2}{rows.Sum(r => r.OursExec) / rows.Sum(r => r.PromExec),7:F3}{rows.Sum(r => r.InProcess),9:F2}"));
        report.AppendLine(string.Create(inv, $"queries over 1.0: {rows.Count(r => r.OursHttp > r.PromHttp)} of {rows.Count} over HTTP, {rows.Count(r => r.OursExec > r.PromExec)} of {rows.Count} server-side (exec); results disagree on {rows.Count(r => r.Agreement != "ok")}"));
        report.AppendLine();
        report.AppendLine("server memory (VmRSS and VmHWM from /proc/<pid>/status; same method for both):");
        report.AppendLine(string.Create(inv, $"  {"",-12}{"RSS after start",18}{"peak after start",18}{"RSS after queries",19}{"peak after queries",20}{"allocated in phase",20}"));
        report.AppendLine(string.Create(inv, $"  {"ours",-12}{Mb(oursStart.Rss),18}{Mb(oursStart.Peak),18}{Mb(oursEnd.Rss),19}{Mb(oursEnd.Peak),20}{Mb((long)oursUsed),20}"));
        report.AppendLine(string.Create(inv, $"  {"Prometheus",-12}{Mb(promStart.Rss),18}{Mb(promStart.Peak),18}{Mb(promEnd.Rss),19}{Mb(promEnd.Peak),20}{Mb((long)promUsed),20}"));
        report.AppendLine(resetOk
            ? "  \"after start\": both servers up and idle, before any query (ours opens its storage engine on the first query); the peak was reset (clear_refs) there, so \"peak after queries\" is the query phase's own peak, warm-ups included."
            : "  \"after start\": both servers up and idle, before any query; the peak could not be reset (clear_refs), so \"peak after queries\" is the peak since each process started.");
        report.AppendLine("  ours: the Functions app as shipped (Server GC, 256 MB block cache by default); Prometheus: 2.42 defaults (GOGC 100).");
        Console.Write(report.ToString());
        return rows.Any(r => r.Agreement != "ok") ? 1 : 0;
    }

    private sealed record Servers(HttpClient Http, Uri Ours, Uri Prometheus);

    private sealed record Row(PromqlBenchmarkQuery Query, int Series, double OursHttp, double PromHttp, double OursExec, double PromExec, double InProcess, long OursBytes, long PromBytes, string Agreement);

    /// <summary>One timed GET: the time until the body is read, the body, and the server's own execTotalTime.</summary>
    private readonly record struct Timed(double HttpMs, double ExecMs, byte[] Body);

    private static async Task<Row> CompareAsync(PromqlBenchmarkQuery q, PromQLEngine engine, Servers servers, long evalEnd, int runs, TimeSpan warmup)
    {
        var rangeMs = (long)q.Range.TotalMilliseconds;
        var stepMs = (long)q.Step.TotalMilliseconds;
        var inv = CultureInfo.InvariantCulture;
        var seconds = (long ms) => (ms / 1000.0).ToString("F3", inv);
        var path = q.IsRange
            ? $"api/v1/query_range?query={Uri.EscapeDataString(q.Query)}&start={seconds(evalEnd - rangeMs)}&end={seconds(evalEnd)}&step={seconds(stepMs)}&stats=all"
            : $"api/v1/query?query={Uri.EscapeDataString(q.Query)}&time={seconds(evalEnd)}&stats=all";
        var oursUri = new Uri(servers.Ours, path);
        var promUri = new Uri(servers.Prometheus, path);
        var http = servers.Http;

        // Warm-up, the same for every target: tiered JIT reaches optimised code (ours), postings
        // and chunks are paged in and caches filled (both).
        await WarmUpAsync(() => GetAsync(http, oursUri), warmup);
        await WarmUpAsync(() => GetAsync(http, promUri), warmup);
        var parsed = Parser.ParseExpr(q.Query);
        await WarmUpAsync(() => EvaluateAsync(engine, q, parsed, evalEnd), warmup);

        var oursHttp = new List<double>();
        var promHttp = new List<double>();
        var oursExec = new List<double>();
        var promExec = new List<double>();
        var inProcess = new List<double>();
        Timed oursLast = default, promLast = default;
        var oursAllocated = await Counters.ReadAsync(http, servers.Ours, "dotnet_gc_allocated_bytes_total");
        var promAllocated = await Counters.ReadAsync(http, servers.Prometheus, "go_memstats_alloc_bytes_total");
        for (var run = 0; run < runs; run++)
        {
            oursLast = await GetAsync(http, oursUri);
            promLast = await GetAsync(http, promUri);
            oursHttp.Add(oursLast.HttpMs);
            promHttp.Add(promLast.HttpMs);
            oursExec.Add(oursLast.ExecMs);
            promExec.Add(promLast.ExecMs);
        }

        // Both allocation counters also move for the /metrics reads around the runs (a few KiB).
        oursAllocated = await Counters.ReadAsync(http, servers.Ours, "dotnet_gc_allocated_bytes_total") - oursAllocated;
        promAllocated = await Counters.ReadAsync(http, servers.Prometheus, "go_memstats_alloc_bytes_total") - promAllocated;

        // In process after the HTTP runs, so its allocations and CPU in this (the client's)
        // process do not fall between the two servers' timings.
        for (var run = 0; run < runs; run++)
        {
            var stopwatch = Stopwatch.StartNew();
            await EvaluateAsync(engine, q, Parser.ParseExpr(q.Query), evalEnd);
            inProcess.Add(stopwatch.Elapsed.TotalMilliseconds);
        }
        var oursResult = ApiResultSet.Parse(oursLast.Body);
        var agreement = ApiResultSet.Compare(oursResult, ApiResultSet.Parse(promLast.Body));
        return new Row(q, oursResult.Series.Count, Median(oursHttp), Median(promHttp), Median(oursExec), Median(promExec), Median(inProcess), (long)(oursAllocated / runs), (long)(promAllocated / runs), agreement);
    }

    private static async Task WarmUpAsync<T>(Func<Task<T>> run, TimeSpan warmup)
    {
        var warm = Stopwatch.StartNew();
        for (var i = 0; i < 2000 && (i < MinWarmupRuns || warm.Elapsed < warmup); i++)
        {
            _ = await run();
        }
    }

    private static Task<QueryResult> EvaluateAsync(PromQLEngine engine, PromqlBenchmarkQuery q, Expr expr, long evalEnd) =>
        q.IsRange
            ? engine.RangeQueryAsync(expr, evalEnd - (long)q.Range.TotalMilliseconds, evalEnd, (long)q.Step.TotalMilliseconds)
            : engine.InstantQueryAsync(expr, evalEnd);

    private static async Task<Timed> GetAsync(HttpClient http, Uri uri)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await http.GetAsync(uri);
        var body = await response.Content.ReadAsByteArrayAsync();
        var httpMs = stopwatch.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode)
        {
            throw new InvalidOperationException($"{uri}: HTTP {(int)response.StatusCode}: {Encoding.UTF8.GetString(body)}");
        }

        using var json = JsonDocument.Parse(body);
        var exec = json.RootElement.GetProperty("data").GetProperty("stats").GetProperty("timings").GetProperty("execTotalTime").GetDouble();
        return new Timed(httpMs, exec * 1000, body);
    }

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

    /// <summary>A counter from a server's <c>/metrics</c> text (both servers print the plain <c>name value</c> form).</summary>
    private static class Counters
    {
        public static async Task<double> ReadAsync(HttpClient http, Uri baseUri, string name)
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
    }

    private static string Mb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1048576.0:F1} MiB");
}
