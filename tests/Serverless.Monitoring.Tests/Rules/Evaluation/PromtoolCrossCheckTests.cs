using System.Globalization;
using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Tests.Fixtures;
using static Serverless.Monitoring.Tests.Rules.Evaluation.RuleHarness;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>
/// Our evaluation against Debian's <c>promtool test rules</c> (2.42): each scenario runs here, then
/// its results become the expectations of a promtool unit test over the same rules and input
/// series: every evaluation's firing alerts (<c>exp_alerts</c>) and, through
/// <c>promql_expr_test</c>, the <c>ALERTS</c>, <c>ALERTS_FOR_STATE</c> and recorded series (so missing
/// stale markers show as lookback values). promtool passing means it computed the same.
/// </summary>
public sealed class PromtoolCrossCheckTests
{
    private static readonly Dictionary<string, Scenario> Scenarios = new Scenario[]
    {
        new(
            "for boundaries, resolve and refire",
            15,
            [
                Alert("Down", "up == 0", forSeconds: 60, labels: [("severity", "page")], annotations: [("summary", "instance down")]),
                Alert("DownNow", "up == 0", labels: [("severity", "info")]),
            ],
            [
                "up{instance=\"a\"} 0x8 1 1 0x6",
                "up{instance=\"b\"} 1 0 0 0 1 0x10",
                "up{instance=\"c\"} 0 0 0 0 1 1 1 0x3",
            ],
            270),
        new(
            "keep_firing_for",
            15,
            [Alert("Flappy", "errors > 0", keepFiringSeconds: 45), Alert("FlappyFor", "errors > 0", forSeconds: 15, keepFiringSeconds: 20)],
            ["errors{job=\"x\"} 1 1 0 0 1 0 0 0 0 0 1 0x5", "errors{job=\"y\"} 0 1 0x3 1 1 1 0x6"],
            240),
        new(
            "group order and recorded series",
            30,
            [
                Record("job:requests:sum", "sum by (job) (requests)", labels: [("source", "rule")]),
                Alert("Busy", "job:requests:sum > 5", forSeconds: 60),
                Record("alerts:firing", "count(ALERTS{alertstate=\"firing\"})"),
                Record("alerts:for_state", "ALERTS_FOR_STATE"),
                Record("busy:count", "count(job:requests:sum > 5)"),
            ],
            [
                "requests{job=\"api\", i=\"1\"} 1 2 3 4 5 6 7 8 9 10",
                "requests{job=\"api\", i=\"2\"} 1 1 1 1 1 1 1 1 1 1",
                "requests{job=\"db\"} 9 9 9 _ _ stale 9 9 9 9",
            ],
            300),
        new(
            "stale markers of recorded series",
            10,
            [
                Record("present", "x > 0"),
                Record("present:count", "count(present)"),
                Record("ratio", "x / ignoring(k) group_left y"),
            ],
            [
                "x{k=\"1\"} 1 1 0 0 1 1 stale 1",
                "x{k=\"2\"} 0 1 1 0 0 1 1 1",
                "y 2 2 2 2 _ _ _ 2",
            ],
            90),
    }.ToDictionary(s => s.Name);

    public static TheoryData<string> Names => [.. Scenarios.Keys];

    [Theory]
    [MemberData(nameof(Names))]
    public async Task Promtool_agrees_with_our_evaluation(string name)
    {
        var scenario = Scenarios[name];
        var expectations = await RunOursAsync(scenario);
        Assert.Empty(expectations.Errors);
        var result = await RunPromtoolAsync(scenario, expectations);
        Assert.True(result.ExitCode == 0, $"promtool disagrees:\n{result.StandardOutput}\n{result.StandardError}");
    }

    [Fact]
    public async Task A_wrong_expectation_fails_under_promtool()
    {
        // The harness is not vacuous: one alert left out of one expectation is caught.
        var scenario = Scenarios["for boundaries, resolve and refire"];
        var expectations = await RunOursAsync(scenario);
        var index = expectations.Alerts.FindIndex(a => a.Firing.Count > 0);
        expectations.Alerts[index] = expectations.Alerts[index] with { Firing = [.. expectations.Alerts[index].Firing.Skip(1)] };
        var result = await RunPromtoolAsync(scenario, expectations);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"alertname: {expectations.Alerts[index].AlertName}", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    /// <summary>A rule that fails stops promtool's test with the rule's error: ours must be the same text at the same time.</summary>
    [Theory]
    [InlineData("alerting limit", "Many", "x > 0", true, 1, "x{i=\"1\"} 1 1", "x{i=\"2\"} 0 1")]
    [InlineData("recording limit", "many", "x > 0", false, 1, "x{i=\"1\"} 1 1", "x{i=\"2\"} 0 1")]
    [InlineData("alert labels collide", "Same", "x", true, 0, "x{i=\"1\"} 1 1", "x{i=\"2\"} _ 1")]
    [InlineData("recorded labels collide", "same", "x", false, 0, "x{i=\"1\"} 1 1", "x{i=\"2\"} _ 1")]
    public async Task Rule_errors_read_as_promtools(string name, string rule, string expr, bool alerting, int limit, string series1, string series2)
    {
        Assert.NotEmpty(name);
        Label[] collide = limit == 0 ? [new("i", "same")] : [];
        var scenario = new Scenario(
            name,
            15,
            [alerting ? new RuleSpec(true, rule, expr, 0, 0, collide, []) : new RuleSpec(false, rule, expr, 0, 0, collide, [])],
            [series1, series2],
            15,
            limit);
        var ours = await RunOursAsync(scenario);
        var errorAt = ours.Errors.First();
        Assert.Equal(15, errorAt.Seconds);

        // A query at the end makes promtool evaluate that far.
        var result = await RunPromtoolAsync(scenario, new Expectations([], [new QueryExpectation(scenario.End, "vector(1)", [(LabelSet.Empty, 1)])]));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"rule: {rule}, time: {errorAt.Seconds}s, err: {errorAt.Error}", result.StandardError + result.StandardOutput, StringComparison.Ordinal);
    }

    private static RuleSpec Alert(string name, string expr, int forSeconds = 0, int keepFiringSeconds = 0, (string, string)[]? labels = null, (string, string)[]? annotations = null) =>
        new(true, name, expr, forSeconds, keepFiringSeconds, [.. (labels ?? []).Select(l => new Label(l.Item1, l.Item2))], [.. (annotations ?? []).Select(l => new Label(l.Item1, l.Item2))]);

    private static RuleSpec Record(string name, string expr, (string, string)[]? labels = null) =>
        new(false, name, expr, 0, 0, [.. (labels ?? []).Select(l => new Label(l.Item1, l.Item2))], []);

    /// <summary>Evaluates as promtool does (every interval from 0 to the end, outputs written back), then gathers the expectations.</summary>
    private static async Task<Expectations> RunOursAsync(Scenario scenario)
    {
        var rules = scenario.Rules.Select(r => r.Alerting
            ? (Rule)new AlertingRule(r.Name, Q(r.Expr), TimeSpan.FromSeconds(r.For), TimeSpan.FromSeconds(r.KeepFiringFor), r.Labels, r.Annotations)
            : new RecordingRule(r.Name, Q(r.Expr), r.Labels)).ToArray();
        var group = new RuleGroup("cross-check", "rules.yml", TimeSpan.FromSeconds(scenario.Interval), rules, scenario.Limit);
        var h = new RuleHarness(group);
        foreach (var series in scenario.Series)
        {
            h.Load(series, TimeSpan.FromSeconds(scenario.Interval));
        }

        var alerts = new List<AlertExpectation>();
        var errors = new List<(long, string)>();
        for (var t = 0L; t <= scenario.End; t += scenario.Interval)
        {
            await h.EvalAsync(t);
            var status = h.Evaluator.GetStatus();
            foreach (var r in status.Rules)
            {
                if (r.Health == RuleHealth.Err)
                {
                    errors.Add((t, r.LastError!));
                }
            }

            foreach (var name in status.Rules.Where(r => r.Rule is AlertingRule).Select(r => r.Rule.Name).Distinct())
            {
                var firing = status.Rules.Where(r => r.Rule.Name == name).SelectMany(r => r.Alerts).Where(a => a.State == AlertState.Firing);
                alerts.Add(new AlertExpectation(t, name, [.. firing.Select(a => (a.Labels, a.Annotations))]));
            }
        }

        // What promtool's queries must return at each evaluation, from the storage our evaluations wrote.
        var engine = new PromQLEngine(h.Storage);
        var names = scenario.Rules.Where(r => !r.Alerting).Select(r => r.Name).Distinct().Concat(scenario.Rules.Any(r => r.Alerting) ? ["ALERTS", "ALERTS_FOR_STATE"] : []);
        var queries = new List<QueryExpectation>();
        for (var t = 0L; t <= scenario.End; t += scenario.Interval)
        {
            foreach (var metric in names)
            {
                var result = await engine.InstantQueryAsync(Q(metric), t * 1000);
                queries.Add(new QueryExpectation(t, metric, [.. result.Series.Select(s => (s.Labels, s.Points[0].Value))]));
            }
        }

        return new Expectations(alerts, queries) { Errors = errors.Select(e => (e.Item1, e.Item2)).ToList() };
    }

    private static async Task<ProcessResult> RunPromtoolAsync(Scenario scenario, Expectations expectations)
    {
        using var dir = new TempDirectory("sm-rules-crosscheck-");
        await File.WriteAllTextAsync(dir.Combine("rules.yml"), RulesYaml(scenario));
        await File.WriteAllTextAsync(dir.Combine("test.yml"), TestYaml(scenario, expectations));
        return await Promtool.RunAsync(["test", "rules", dir.Combine("test.yml")]);
    }

    private static string RulesYaml(Scenario scenario)
    {
        var sb = new StringBuilder("groups:\n  - name: cross-check\n");
        if (scenario.Limit > 0)
        {
            sb.Append(CultureInfo.InvariantCulture, $"    limit: {scenario.Limit}\n");
        }

        sb.Append("    rules:\n");
        foreach (var r in scenario.Rules)
        {
            sb.Append(CultureInfo.InvariantCulture, $"      - {(r.Alerting ? "alert" : "record")}: {r.Name}\n        expr: {Quote(r.Expr)}\n");
            if (r.Alerting)
            {
                sb.Append(CultureInfo.InvariantCulture, $"        for: {r.For}s\n        keep_firing_for: {r.KeepFiringFor}s\n");
            }

            AppendMap(sb, "        ", "labels", r.Labels);
            AppendMap(sb, "        ", "annotations", r.Annotations);
        }

        return sb.ToString();
    }

    private static string TestYaml(Scenario scenario, Expectations expectations)
    {
        var sb = new StringBuilder();
        sb.Append(CultureInfo.InvariantCulture, $"rule_files: [rules.yml]\nevaluation_interval: {scenario.Interval}s\ntests:\n  - interval: {scenario.Interval}s\n    input_series:\n");
        foreach (var series in scenario.Series)
        {
            var split = series.LastIndexOf('}') is var brace and >= 0 ? brace + 1 : series.IndexOf(' ', StringComparison.Ordinal);
            sb.Append(CultureInfo.InvariantCulture, $"      - series: {Quote(series[..split].Trim())}\n        values: {Quote(series[split..].Trim())}\n");
        }

        if (expectations.Alerts.Count > 0)
        {
            sb.Append("    alert_rule_test:\n");
            foreach (var a in expectations.Alerts)
            {
                sb.Append(CultureInfo.InvariantCulture, $"      - eval_time: {a.Seconds}s\n        alertname: {a.AlertName}\n        exp_alerts:{(a.Firing.Count == 0 ? " []" : string.Empty)}\n");
                foreach (var (labels, annotations) in a.Firing)
                {
                    sb.Append("          -\n");
                    AppendMap(sb, "            ", "exp_labels", [.. labels.AsSpan().ToArray()]);
                    AppendMap(sb, "            ", "exp_annotations", annotations);
                }
            }
        }

        if (expectations.Queries.Count > 0)
        {
            sb.Append("    promql_expr_test:\n");
            foreach (var q in expectations.Queries)
            {
                sb.Append(CultureInfo.InvariantCulture, $"      - expr: {Quote(q.Expr)}\n        eval_time: {q.Seconds}s\n        exp_samples:{(q.Samples.Count == 0 ? " []" : string.Empty)}\n");
                foreach (var (labels, value) in q.Samples)
                {
                    sb.Append(CultureInfo.InvariantCulture, $"          - labels: {Quote(labels.ToString())}\n            value: {value.ToString("R", CultureInfo.InvariantCulture)}\n");
                }
            }
        }

        return sb.ToString();
    }

    private static void AppendMap(StringBuilder sb, string indent, string key, IReadOnlyList<Label> labels)
    {
        if (labels.Count == 0)
        {
            return;
        }

        sb.Append(indent).Append(key).Append(":\n");
        foreach (var l in labels)
        {
            sb.Append(indent).Append("  ").Append(l.Name).Append(": ").Append(Quote(l.Value)).Append('\n');
        }
    }

    private static string Quote(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";

    private sealed record RuleSpec(bool Alerting, string Name, string Expr, int For, int KeepFiringFor, IReadOnlyList<Label> Labels, IReadOnlyList<Label> Annotations);

    private sealed record Scenario(string Name, int Interval, IReadOnlyList<RuleSpec> Rules, IReadOnlyList<string> Series, long End, int Limit = 0);

    private sealed record AlertExpectation(long Seconds, string AlertName, IReadOnlyList<(LabelSet Labels, IReadOnlyList<Label> Annotations)> Firing);

    private sealed record QueryExpectation(long Seconds, string Expr, IReadOnlyList<(LabelSet Labels, double Value)> Samples);

    private sealed record Expectations(List<AlertExpectation> Alerts, List<QueryExpectation> Queries)
    {
        public List<(long Seconds, string Error)> Errors { get; init; } = [];
    }
}
