using System.Globalization;
using System.Text;
using Serverless.Monitoring.Benchmarks.PromQL;
using Serverless.Monitoring.Tests.Dataset;
using Serverless.Monitoring.Tests.Fixtures;
using static Serverless.Monitoring.Benchmarks.BenchmarkLog;

namespace Serverless.Monitoring.Benchmarks.Rules;

/// <summary>
/// <c>rules-compare [--instances N] [--series N] [--hours H] [--groups N] [--interval S] [--warmup N] [--rounds N] [--passes N] [--keep DIR [--reuse]]</c>
/// (issue 12): the storage benchmark's dataset in both stores (as <c>promql-compare</c> imports it,
/// <see cref="BenchStores"/>), and the same rule files (<see cref="BenchmarkRuleFiles"/>: 20 groups
/// of 50 rules by default) evaluated by Prometheus 2.42 and by ours, each a separate process on a
/// fresh copy of its store. The servers take turns (never both evaluating at once on these two
/// cores), the order swapped every pass. Each group's evaluation time is its server's own
/// <c>prometheus_rule_group_last_duration_seconds</c>, read from <c>/metrics</c> after every
/// evaluation; the first evaluations of each group (start-up, JIT, <c>for</c> state restore) are
/// skipped. A round's time is the sum over the groups of their k-th evaluation.
/// </summary>
public static class RulesCompareCommand
{
    public const string Name = "rules-compare";

    private const string Usage = "[--instances N] [--series N] [--hours H] [--groups N] [--interval S] [--warmup N] [--rounds N] [--passes N] [--profile] [--keep DIR [--reuse]]";

    /// <summary>How far before the dataset's end the rules read at the start: room for a long run.</summary>
    private static readonly TimeSpan ReadBeforeEnd = TimeSpan.FromMinutes(90);

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        var inv = CultureInfo.InvariantCulture;
        var options = new NodeExporterLikeDatasetOptions();
        var groups = 20;
        var interval = TimeSpan.FromSeconds(15);
        var warmup = 3;
        var rounds = 10;
        var passes = 2;
        string? keep = null;
        var reuse = args.Contains("--reuse");
        var profile = args.Contains("--profile");
        args = [.. args.Where(a => a is not "--reuse" and not "--profile")];
        for (var i = 0; i < args.Length; i += 2)
        {
            var value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--instances": options = options with { Instances = int.Parse(value, inv) }; break;
                case "--series": options = options with { SeriesPerInstance = int.Parse(value, inv) }; break;
                case "--hours": options = options with { Duration = TimeSpan.FromHours(double.Parse(value, inv)) }; break;
                case "--groups": groups = int.Parse(value, inv); break;
                case "--interval": interval = TimeSpan.FromSeconds(int.Parse(value, inv)); break;
                case "--warmup": warmup = int.Parse(value, inv); break;
                case "--rounds": rounds = int.Parse(value, inv); break;
                case "--passes": passes = int.Parse(value, inv); break;
                case "--keep": keep = value; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}; usage: {Name} {Usage}");
                    return 2;
            }
        }

        var loadAtStart = LoadAverage();
        var startedAt = DateTimeOffset.UtcNow;
        using var temp = new TempDirectory("sm-rules-compare-");
        var work = Path.GetFullPath(keep ?? temp.Path);
        Directory.CreateDirectory(work);
        var dataset = new NodeExporterLikeDataset(options);
        var (minT, _) = dataset.TimeRange;
        if (await BenchStores.PrepareAsync(dataset, work, reuse && keep is not null) is not { } stores)
        {
            return 1;
        }

        // The same rules and prometheus.yml for both, in a folder of this run.
        var run = Path.Combine(work, "rules-run");
        if (Directory.Exists(run))
        {
            Directory.Delete(run, recursive: true);
        }

        Directory.CreateDirectory(run);
        var anchor = options.End - ReadBeforeEnd;
        var offset = TimeSpan.FromSeconds(Math.Ceiling((DateTimeOffset.UtcNow - anchor).TotalSeconds));
        var files = new BenchmarkRuleFiles(offset, interval);
        files.Write(Path.Combine(run, "rules"), groups);

        // The answers check: every rule that reads only the dataset, as an instant query at one fixed time on
        // both servers; 7.5 s after a scrape slot of the data, so no range boundary falls on a sample
        // (Prometheus 2.42 closes ranges on the left, ours opens them as 3.x does).
        var checkAt = (anchor + offset + PromqlBenchmarkQueries.EvaluationOffset).ToUnixTimeMilliseconds();
        var checks = Enumerable.Range(0, groups)
            .SelectMany(g => files.Rules(g).Where(r => !r.Expr.Contains(BenchmarkRuleFiles.RecordPrefix(g), StringComparison.Ordinal)).Select(r => (Group: g, Rule: r)))
            .ToList();
        var config = Path.Combine(run, "prometheus.yml");
        await File.WriteAllTextAsync(config, string.Create(inv, $"global:\n  scrape_interval: 1h\n  evaluation_interval: {(long)interval.TotalSeconds}s\nrule_files: ['rules/*.yml']\n"));
        var retention = (Math.Ceiling((DateTimeOffset.UtcNow - DateTimeOffset.FromUnixTimeMilliseconds(minT)).TotalDays / 365) + 10).ToString(inv) + "y";
        var timeout = (interval * (warmup + rounds + 4)) + TimeSpan.FromMinutes(2);
        using var http = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(30));

        var servers = new[] { Server.Prometheus, Server.Ours };
        var results = new List<PassResult>();
        for (var pass = 0; pass < passes; pass++)
        {
            foreach (var server in pass % 2 == 0 ? servers : servers.Reverse())
            {
                Log($"pass {pass + 1}: {server} ({groups} groups x {BenchmarkRuleFiles.RulesPerGroup} rules, every {interval.TotalSeconds:F0} s; {warmup} evaluations skipped, {rounds} kept)");
                var check = pass == 0 ? checks.Select(c => c.Rule.Expr).ToList() : [];
                results.Add(await RunServerAsync(server, pass + 1, stores, run, config, retention, groups, warmup, rounds, timeout, http, check, checkAt));
            }
        }

        InProcessRuleProfile.Result? inProcess = null;
        if (profile)
        {
            Log($"profile: the same rules in this process ({warmup} rounds skipped, {rounds} kept)");
            var copy = Path.Combine(run, "profile-data");
            CopyDirectory(stores.Ours, copy);
            inProcess = await InProcessRuleProfile.RunAsync(config, copy, warmup, rounds, interval, (group, i) => ReadsOnlyDataset(files, group, i));
        }

        Directory.Delete(run, recursive: true);
        var oursAnswers = results.First(r => r.Server == Server.Ours).Answers;
        var promAnswers = results.First(r => r.Server == Server.Prometheus).Answers;
        var disagreements = new List<string>();
        for (var i = 0; i < checks.Count; i++)
        {
            var agreement = ApiResultSet.Compare(ApiResultSet.Parse(oursAnswers[i]), ApiResultSet.Parse(promAnswers[i]));
            if (agreement != "ok")
            {
                disagreements.Add($"{BenchmarkRuleFiles.GroupName(checks[i].Group)} {checks[i].Rule.Name}: {agreement}");
            }
        }

        var report = Report(options, stores, files, groups, warmup, rounds, passes, startedAt, loadAtStart, LoadAverage(), results);
        Console.Write(report);
        Console.WriteLine(string.Create(inv, $"answers: the {checks.Count} rules that read only the dataset, as instant queries at {DateTimeOffset.FromUnixTimeMilliseconds(checkAt):O} on both servers (values within 1e-9 relative): {checks.Count - disagreements.Count} agree, {disagreements.Count} differ"));
        foreach (var d in disagreements.Take(20))
        {
            Console.WriteLine("  " + d);
        }

        if (inProcess is not null)
        {
            Console.Write(ProfileReport(files, groups, inProcess, results.Where(r => r.Server == Server.Prometheus).ToList()));
        }

        return results.Any(r => r.Failures > 0) || disagreements.Count > 0 ? 1 : 0;
    }

    private enum Server
    {
        Prometheus,
        Ours,
    }

    private sealed record PassResult(
        Server Server, int Pass, DateTimeOffset Start, DateTimeOffset End, string LoadAtStart, string LoadAtEnd,
        Dictionary<string, List<GroupEvaluation>> Evaluations, Dictionary<string, double> Samples, double Failures, List<byte[]> Answers, Dictionary<string, double[]>? RuleTimes);

    /// <summary>One server on a fresh copy of its store, from start to its last kept evaluation; stopped by PID.</summary>
    private static async Task<PassResult> RunServerAsync(
        Server server, int pass, BenchStores stores, string run, string config, string retention,
        int groups, int warmup, int rounds, TimeSpan timeout, HttpClient http, List<string> checks, long checkAt)
    {
        var data = Path.Combine(run, server == Server.Ours ? "ours-data" : "prometheus-data");
        CopyDirectory(server == Server.Ours ? stores.Ours : stores.Prometheus, data);
        var loadAtStart = LoadAverage();
        var start = DateTimeOffset.UtcNow;
        ExternalProcess? prometheus = null;
        MonitoringHostProcess? ours = null;
        try
        {
            Uri uri;
            if (server == Server.Prometheus)
            {
                // Block compaction off (max block 2 h) as in promql-compare: the imported blocks stay as they are.
                var port = FreePort.Get().ToString(CultureInfo.InvariantCulture);
                prometheus = ExternalProcess.Start(
                    "prometheus",
                    PrometheusFixture.FindBinary(),
                    [$"--config.file={config}", $"--storage.tsdb.path={data}", $"--storage.tsdb.retention.time={retention}", "--storage.tsdb.max-block-duration=2h", $"--web.listen-address=127.0.0.1:{port}"],
                    workingDirectory: run);
                uri = new Uri($"http://127.0.0.1:{port}/");
                await prometheus.WaitForHttpAsync(new Uri(uri, "-/ready"), TimeSpan.FromMinutes(2));
            }
            else
            {
                // As shipped, scrape and ingest loops on (no targets): recorded series and ALERTS are stored through the bus, as Prometheus stores them.
                ours = await MonitoringHostProcess.StartAsync(
                    run,
                    new Dictionary<string, string?>(),
                    [$"--config.file={config}", $"--storage.tsdb.path={data}", $"--storage.tsdb.retention.time={retention}"],
                    TimeSpan.FromMinutes(2));
                uri = ours.BaseUri;
            }

            var output = () => prometheus?.Describe("is being measured") ?? ours!.Process.Describe("is being measured");
            var evaluations = await RuleGroupEvaluations.CollectAsync(http, uri, groups, warmup, rounds, timeout, output);
            var samples = await RuleGroupEvaluations.ByGroupAsync(http, uri, "prometheus_rule_group_last_evaluation_samples");
            var failures = await RuleGroupEvaluations.SumAsync(http, uri, "prometheus_rule_evaluation_failures_total");
            if (failures > 0)
            {
                Log($"{server}: {failures} rule evaluations failed\n{output()}");
            }

            var end = DateTimeOffset.UtcNow;
            var loadAtEnd = LoadAverage();

            // Prometheus's own time of each rule's last evaluation, for the profile.
            Dictionary<string, double[]>? ruleTimes = null;
            if (server == Server.Prometheus)
            {
                using var rules = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync(new Uri(uri, "api/v1/rules")));
                ruleTimes = rules.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray().ToDictionary(
                    g => g.GetProperty("name").GetString()!,
                    g => g.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("evaluationTime").GetDouble()).ToArray(),
                    StringComparer.Ordinal);
            }

            // After the timed evaluations, so these queries never compete with them.
            var time = (checkAt / 1000.0).ToString("F3", CultureInfo.InvariantCulture);
            var answers = new List<byte[]>();
            foreach (var expr in checks)
            {
                using var response = await http.GetAsync(new Uri(uri, $"api/v1/query?query={Uri.EscapeDataString(expr)}&time={time}"));
                var body = await response.Content.ReadAsByteArrayAsync();
                if (!response.IsSuccessStatusCode)
                {
                    throw new InvalidOperationException($"{server}: {expr}: HTTP {(int)response.StatusCode}: {System.Text.Encoding.UTF8.GetString(body)}");
                }

                answers.Add(body);
            }

            return new PassResult(server, pass, start, end, loadAtStart, loadAtEnd, evaluations, samples, failures, answers, ruleTimes);
        }
        finally
        {
            ours?.Dispose();
            if (prometheus is not null)
            {
                await prometheus.DisposeAsync();
            }

            Directory.Delete(data, recursive: true);
        }
    }

    private static void CopyDirectory(string from, string to)
    {
        foreach (var dir in Directory.EnumerateDirectories(from, "*", SearchOption.AllDirectories))
        {
            Directory.CreateDirectory(Path.Combine(to, Path.GetRelativePath(from, dir)));
        }

        Directory.CreateDirectory(to);
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            File.Copy(file, Path.Combine(to, Path.GetRelativePath(from, file)));
        }
    }

    private static string Report(
        NodeExporterLikeDatasetOptions options, BenchStores stores, BenchmarkRuleFiles files, int groups, int warmup, int rounds, int passes,
        DateTimeOffset startedAt, string loadAtStart, string loadAtEnd, List<PassResult> results)
    {
        var inv = CultureInfo.InvariantCulture;
        var names = Enumerable.Range(0, groups).Select(BenchmarkRuleFiles.GroupName).ToList();
        var ours = results.Where(r => r.Server == Server.Ours).ToList();
        var prom = results.Where(r => r.Server == Server.Prometheus).ToList();
        var report = new StringBuilder();
        report.AppendLine(string.Create(inv, $"dataset: {options.Instances} instances x {options.SeriesPerInstance} series x {options.Duration.TotalHours:F0} h at {options.Interval.TotalSeconds:F0} s = {stores.Samples:N0} samples; ours: {stores.OursBlocks} block(s), Prometheus: {stores.PrometheusBlocks} block(s)"));
        report.AppendLine(string.Create(inv, $"rules: {groups} groups x {BenchmarkRuleFiles.RulesPerGroup} = {groups * BenchmarkRuleFiles.RulesPerGroup} rules ({groups * files.Rules(0).Count(r => !r.Alerting)} recording, {groups * files.Rules(0).Count(r => r.Alerting)} alerting), every {files.Interval.TotalSeconds:F0} s; the dataset's series read with 'offset {files.Offset.TotalSeconds:F0}s' (the data as it was {ReadBeforeEnd.TotalMinutes:F0} min before its end, at the start)"));
        report.AppendLine(string.Create(inv, $"started {startedAt:yyyy-MM-dd HH:mm} UTC; {passes} pass(es), the servers taking turns (order swapped each pass), each on a fresh copy of its store; per server and pass {warmup} evaluations of each group skipped, then {rounds} kept"));
        report.AppendLine(string.Create(inv, $"load average {loadAtStart} at the start, {loadAtEnd} at the end; {Environment.ProcessorCount} cores"));
        foreach (var r in results)
        {
            report.AppendLine(string.Create(inv, $"  pass {r.Pass} {r.Server,-10} {r.Start:HH:mm:ss} to {r.End:HH:mm:ss} UTC, load {r.LoadAtStart} -> {r.LoadAtEnd}; round median {RoundMedian(r, names) * 1000,8:F1} ms; failed rule evaluations {r.Failures:F0}"));
        }

        report.AppendLine("time: prometheus_rule_group_last_duration_seconds from each server's /metrics, ms; median over every kept evaluation of the group (all passes)");
        report.AppendLine();
        report.AppendLine(string.Create(inv, $"{"group",-10}{"ours",10}{"Prometheus",12}{"ratio",8}{"samples ours",14}{"samples prom",14}"));
        foreach (var name in names)
        {
            var o = Median(ours.SelectMany(r => r.Evaluations[name].Select(e => e.DurationSeconds))) * 1000;
            var p = Median(prom.SelectMany(r => r.Evaluations[name].Select(e => e.DurationSeconds))) * 1000;
            report.AppendLine(string.Create(inv, $"{name,-10}{o,10:F2}{p,12:F2}{o / p,8:F3}{ours[^1].Samples.GetValueOrDefault(name),14:F0}{prom[^1].Samples.GetValueOrDefault(name),14:F0}"));
        }

        var oursRounds = ours.SelectMany(r => Rounds(r, names)).ToList();
        var promRounds = prom.SelectMany(r => Rounds(r, names)).ToList();
        var oursSum = names.Sum(n => Median(ours.SelectMany(r => r.Evaluations[n].Select(e => e.DurationSeconds)))) * 1000;
        var promSum = names.Sum(n => Median(prom.SelectMany(r => r.Evaluations[n].Select(e => e.DurationSeconds)))) * 1000;
        report.AppendLine(string.Create(inv, $"{"sum of the group medians",-28}{oursSum,10:F1}{promSum,12:F1}{oursSum / promSum,8:F3}"));
        report.AppendLine(string.Create(inv, $"{"round (all groups), median",-28}{Median(oursRounds) * 1000,10:F1}{Median(promRounds) * 1000,12:F1}{Median(oursRounds) / Median(promRounds),8:F3}  ({oursRounds.Count} and {promRounds.Count} rounds)"));
        report.AppendLine(string.Create(inv, $"{"round, min to max",-28}{$"{oursRounds.Min() * 1000:F0}-{oursRounds.Max() * 1000:F0}",10}{$"{promRounds.Min() * 1000:F0}-{promRounds.Max() * 1000:F0}",12}"));
        report.AppendLine(string.Create(inv, $"groups over 1.0: {names.Count(n => Median(ours.SelectMany(r => r.Evaluations[n].Select(e => e.DurationSeconds))) > Median(prom.SelectMany(r => r.Evaluations[n].Select(e => e.DurationSeconds))))} of {groups}"));
        report.AppendLine("samples: prometheus_rule_group_last_evaluation_samples at the end of the last pass (series the group's rules returned)");
        return report.ToString();
    }

    private static bool ReadsOnlyDataset(BenchmarkRuleFiles files, string group, int rule)
    {
        var g = int.Parse(group[(group.LastIndexOf('-') + 1)..], CultureInfo.InvariantCulture);
        return !files.Rules(g)[rule].Expr.Contains(BenchmarkRuleFiles.RecordPrefix(g), StringComparison.Ordinal);
    }

    /// <summary>Per rule of the group template (the same rule of every group pooled): our rule time in process, its query alone, and Prometheus's rule time.</summary>
    private static string ProfileReport(BenchmarkRuleFiles files, int groups, InProcessRuleProfile.Result ours, List<PassResult> prom)
    {
        var inv = CultureInfo.InvariantCulture;
        var names = Enumerable.Range(0, groups).Select(BenchmarkRuleFiles.GroupName).ToList();
        var template = files.Rules(0);
        var report = new StringBuilder();
        report.AppendLine();
        report.AppendLine("profile, per rule of the group template (medians over every group and kept round, ms):");
        report.AppendLine("  ours rule: our RuleGroupEvaluator in the benchmark process on a copy of our store (the rule's own time: query, alert state, templates, output);");
        report.AppendLine("  ours query: the rule's query alone through PromQLEngine at the same time (only for rules that read no recorded series);");
        report.AppendLine("  Prometheus: each rule's evaluationTime from Prometheus's /api/v1/rules at the end of each of its passes (its last evaluation).");
        report.AppendLine(string.Create(inv, $"{"#",3} {"rule (group 00's name)",-58}{"ours rule",11}{"ours query",12}{"Prometheus",12}{"ratio",8}"));
        double oursSum = 0, promSum = 0;
        for (var i = 0; i < template.Count; i++)
        {
            var o = Median(names.SelectMany(n => ours.Rule[n][i])) * 1000;
            var q = names.SelectMany(n => ours.Query[n][i]).ToList();
            var p = Median(prom.SelectMany(r => names.Select(n => r.RuleTimes![n][i]))) * 1000;
            oursSum += o;
            promSum += p;
            var queryText = q.Count == 0 ? "-" : (Median(q) * 1000).ToString("F2", inv);
            report.AppendLine(string.Create(inv, $"{i,3} {Truncate(template[i].Name, 57),-58}{o,11:F2}{queryText,12}{p,12:F2}{o / p,8:F3}"));
        }

        var groupTotal = Median(names.Select(n => Median(ours.Group[n]))) * 1000;
        report.AppendLine(string.Create(inv, $"{"",3} {"sum of the rule medians (one group)",-58}{oursSum,11:F2}{"",12}{promSum,12:F2}{oursSum / promSum,8:F3}"));
        report.AppendLine(string.Create(inv, $"{"",3} {"our group evaluation in process, median over groups",-58}{groupTotal,11:F2}"));
        return report.ToString();

        static string Truncate(string s, int n) => s.Length <= n ? s : s[..(n - 1)] + "…";
    }

    /// <summary>The k-th kept evaluation of every group, summed: one round of the whole rule set.</summary>
    private static IEnumerable<double> Rounds(PassResult r, List<string> names)
    {
        var count = names.Min(n => r.Evaluations[n].Count);
        return Enumerable.Range(0, count).Select(k => names.Sum(n => r.Evaluations[n][k].DurationSeconds));
    }

    private static double RoundMedian(PassResult r, List<string> names) => Median(Rounds(r, names));

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count == 0 ? double.NaN : sorted[sorted.Count / 2];
    }
}
