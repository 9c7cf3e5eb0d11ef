using System.Diagnostics;
using System.Globalization;
using System.Text;
using Serverless.Monitoring.Benchmarks.PromQL;
using Serverless.Monitoring.Tests.Dataset;
using Serverless.Monitoring.Tests.Fixtures;
using static Serverless.Monitoring.Benchmarks.BenchmarkLog;

namespace Serverless.Monitoring.Benchmarks.Hosting;

/// <summary>
/// <c>cold-start [--runs N] [--instances N] [--hours H]</c>: what a cold instance costs the first
/// query. Publishes the function app twice as the README does (<c>-r linux-x64</c>), once with
/// ReadyToRun (the project's default for a publish with a runtime identifier) and once as plain
/// IL, imports a small node_exporter-like store, then starts each build <c>N</c> times in turn:
/// the time from starting the process to <c>/-/ready</c>, then a range query and an instant
/// query, each timed on its first and on its second call, and the process's RSS at the end.
/// Medians per build, with the minimum and maximum.
/// </summary>
public static class ColdStartCommand
{
    public const string Name = "cold-start";

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var runs = 7;
        var options = new NodeExporterLikeDatasetOptions { Instances = 10, Duration = TimeSpan.FromHours(2) };
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            var value = args[i + 1];
            switch (args[i])
            {
                case "--runs": runs = int.Parse(value, CultureInfo.InvariantCulture); break;
                case "--instances": options = options with { Instances = int.Parse(value, CultureInfo.InvariantCulture) }; break;
                case "--hours": options = options with { Duration = TimeSpan.FromHours(double.Parse(value, CultureInfo.InvariantCulture)) }; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}; usage: {Name} [--runs N] [--instances N] [--hours H]");
                    return 2;
            }
        }

        using var temp = new TempDirectory("sm-cold-start-");
        var builds = new List<(string Name, string App)>();
        foreach (var (name, readyToRun) in new[] { ("ReadyToRun", true), ("IL only (JIT)", false) })
        {
            var output = temp.Combine(readyToRun ? "r2r" : "jit");
            Log($"publishing {name} to {output}");
            await using var publish = ExternalProcess.Start(
                "dotnet publish",
                Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
                ["publish", Path.Combine(ToolLocator.RepositoryRoot, "functions"), "-c", "Release", "-r", "linux-x64", "--self-contained", "false",
                 $"-p:PublishReadyToRun={(readyToRun ? "true" : "false")}", "-o", output, "--nologo"]);
            if (await publish.WaitForExitAsync(TimeSpan.FromMinutes(10)) != 0)
            {
                await Console.Error.WriteLineAsync(publish.Describe("failed"));
                return 1;
            }

            builds.Add((name, Path.Combine(output, "Serverless.Monitoring.Functions.dll")));
        }

        var dataset = new NodeExporterLikeDataset(options);
        var file = temp.Combine("dataset.om");
        var store = temp.Combine("store");
        Log($"importing {dataset.ExpectedSampleCount:N0} samples into {store}");
        await OursBenchStore.WriteAsync(dataset, file);
        await OursBenchStore.ImportAsync(file, store);
        File.Delete(file);
        var config = temp.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 1h\n");

        var evalEnd = PromqlBenchmarkQueries.EvaluationTimeMs(options.End);
        var range = PromqlBenchmarkQueries.All.First(q => q.Name == "cpu-busy-pct");
        var instant = PromqlBenchmarkQueries.All.First(q => q.Name == "load-avg-1h");
        var inv = CultureInfo.InvariantCulture;
        string Seconds(long ms) => (ms / 1000.0).ToString("F3", inv);
        var rangePath = $"api/v1/query_range?query={Uri.EscapeDataString(range.Query)}&start={Seconds(evalEnd - (long)range.Range.TotalMilliseconds)}&end={Seconds(evalEnd)}&step={Seconds((long)range.Step.TotalMilliseconds)}";
        var instantPath = $"api/v1/query?query={Uri.EscapeDataString(instant.Query)}&time={Seconds(evalEnd)}";

        var samples = builds.ToDictionary(b => b.Name, _ => new List<double[]>());
        using var http = new HttpClient { Timeout = TimeSpan.FromMinutes(2) };
        var loadAtStart = LoadAverage();
        for (var run = 0; run < runs; run++)
        {
            foreach (var (name, app) in builds)
            {
                var stopwatch = Stopwatch.StartNew();
                using var host = await MonitoringHostProcess.StartAsync(
                    temp.Path,
                    new Dictionary<string, string?> { ["Scrape__Enabled"] = "false" },
                    [$"--config.file={config}", $"--storage.tsdb.path={store}", "--storage.tsdb.retention.time=100y"],
                    TimeSpan.FromMinutes(2),
                    app: app);
                var ready = stopwatch.Elapsed.TotalMilliseconds;
                var rangeFirst = await TimeAsync(http, new Uri(host.BaseUri, rangePath));
                var rangeSecond = await TimeAsync(http, new Uri(host.BaseUri, rangePath));
                var instantFirst = await TimeAsync(http, new Uri(host.BaseUri, instantPath));
                var instantSecond = await TimeAsync(http, new Uri(host.BaseUri, instantPath));
                var rss = ProcessMemory.Read(host.Process.Id).Rss / 1048576.0;
                samples[name].Add([ready, rangeFirst, rangeSecond, instantFirst, instantSecond, ready + rangeFirst, rss]);
                Log($"{name} run {run + 1}: ready {ready:F0} ms, {range.Name} {rangeFirst:F1} then {rangeSecond:F1} ms, {instant.Name} {instantFirst:F1} then {instantSecond:F1} ms");
            }
        }

        var report = new StringBuilder();
        report.AppendLine(string.Create(inv, $"dataset: {options.Instances} instances x {options.SeriesPerInstance} series x {options.Duration.TotalHours:F0} h at {options.Interval.TotalSeconds:F0} s; {runs} starts per build, builds alternating; load average {loadAtStart} at the start, {LoadAverage()} at the end; {Environment.ProcessorCount} cores"));
        report.AppendLine(string.Create(inv, $"range query: {range.Name} ({range.Query}, 1 h at {range.Step.TotalSeconds:F0} s); instant query: {instant.Name} ({instant.Query})"));
        report.AppendLine("median (min to max), milliseconds; RSS in MiB after the four queries");
        report.AppendLine();
        string[] columns = ["start to ready", "range 1st", "range 2nd", "instant 1st", "instant 2nd", "start to 1st answer", "RSS"];
        report.AppendLine(string.Create(inv, $"{"build",-16}") + string.Concat(columns.Select(c => string.Create(inv, $"{c,22}"))));
        foreach (var (name, _) in builds)
        {
            report.Append(string.Create(inv, $"{name,-16}"));
            for (var c = 0; c < columns.Length; c++)
            {
                var values = samples[name].Select(s => s[c]).Order().ToArray();
                report.Append(string.Create(inv, $"{$"{values[values.Length / 2]:F1} ({values[0]:F1}-{values[^1]:F1})",22}"));
            }

            report.AppendLine();
        }

        Console.Write(report.ToString());
        return 0;
    }

    private static async Task<double> TimeAsync(HttpClient http, Uri uri)
    {
        var stopwatch = Stopwatch.StartNew();
        using var response = await http.GetAsync(uri);
        var body = await response.Content.ReadAsStringAsync();
        var elapsed = stopwatch.Elapsed.TotalMilliseconds;
        if (!response.IsSuccessStatusCode || !body.Contains("\"result\":[{", StringComparison.Ordinal))
        {
            throw new InvalidOperationException($"{uri}: HTTP {(int)response.StatusCode}, expected a non-empty result: {body}");
        }

        return elapsed;
    }
}
