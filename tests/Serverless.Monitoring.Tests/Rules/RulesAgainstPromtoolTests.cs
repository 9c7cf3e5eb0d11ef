using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Functions.Commands;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>
/// <c>check rules</c> against Debian's <c>promtool check rules</c> (Prometheus 2.42) on the same
/// files: the same exit code and the same standard output, byte for byte; and where both word a
/// problem alike, the same reasons (and lines, where promtool gives one and both point at the
/// same field). Where Prometheus 3, which we follow, differs from 2.42, the difference is spelled
/// out in <see cref="Differences"/>.
/// </summary>
public sealed class RulesAgainstPromtoolTests : IDisposable
{
    private const string Rule = "groups:\n  - name: g\n    rules:\n      - ";

    private readonly TempDirectory _dir = new("sm-rules-promtool-");

    public void Dispose() => _dir.Dispose();

    /// <summary>How much of promtool's wording a case compares.</summary>
    public enum Compare
    {
        /// <summary>Reasons, and lines wherever promtool gives one.</summary>
        ReasonsAndLines,

        /// <summary>Reasons only: we point at the offending field, promtool at <c>record</c>.</summary>
        Reasons,

        /// <summary>The verdict only: the YAML library words it (go-yaml there, YamlDotNet here).</summary>
        Verdict,
    }

    public static TheoryData<string, string, Compare> Files() => new()
    {
        { "valid", "groups:\n  - name: node\n    interval: 30s\n    limit: 5\n    rules:\n      - record: job:up:sum\n        expr: sum by (job) (up)\n        labels: {source: r}\n      - alert: Down\n        expr: up == 0\n        for: 5m\n        keep_firing_for: 1m\n        labels: {severity: page}\n        annotations: {summary: \"{{ $labels.instance }} down\"}\n", Compare.ReasonsAndLines },
        { "empty", "", Compare.ReasonsAndLines },
        { "no-rules", "groups:\n  - name: a\n", Compare.ReasonsAndLines },
        { "two-groups", "groups:\n  - name: a\n    rules: [{record: x, expr: up}]\n  - name: b\n    rules: [{alert: y, expr: 'up > 1'}]\n", Compare.ReasonsAndLines },
        { "null-items", "groups:\n  -\n  - name: a\n    rules:\n      -\n      - {record: x, expr: up}\n", Compare.ReasonsAndLines },
        { "merge-keys", "groups:\n  - name: a\n    rules:\n      - &r\n        record: x\n        expr: up\n      - <<: *r\n        labels: {k: v}\n", Compare.ReasonsAndLines },
        { "multi-document", "groups:\n  - name: a\n    rules: [{record: x, expr: up}]\n---\ngroups: 3\n", Compare.ReasonsAndLines },
        { "number-expr", Rule + "record: x\n        expr: 1\n", Compare.ReasonsAndLines },
        { "template-unclosed", Rule + "alert: x\n        expr: up\n        annotations: {s: \"{{ $labels.x \"}\n", Compare.Reasons },
        { "template-unknown-function", Rule + "alert: x\n        expr: up\n        labels: {s: \"{{ humanise 1 }}\"}\n", Compare.Reasons },
        { "duplicates", Rule + "record: x\n        expr: up\n      - record: x\n        expr: down\n", Compare.ReasonsAndLines },
        { "duplicates-labels", "groups:\n  - name: a\n    rules:\n      - {record: x, expr: up, labels: {b: c, a: d}}\n      - {alert: x, expr: up, labels: {a: d, b: c}}\n  - name: b\n    rules:\n      - {record: y, expr: up}\n      - {record: y, expr: up}\n      - {record: y, expr: up}\n", Compare.ReasonsAndLines },
        { "unknown-top", "groupz:\n  - name: a\n", Compare.ReasonsAndLines },
        { "unknown-group-field", "groups:\n  - name: a\n    foo: 1\n", Compare.ReasonsAndLines },
        { "unknown-rule-field", Rule + "record: x\n        expr: up\n        bar: 2\n", Compare.ReasonsAndLines },
        { "groups-scalar", "groups: 3\n", Compare.ReasonsAndLines },
        { "rules-map", "groups:\n  - name: a\n    rules: {}\n", Compare.ReasonsAndLines },
        { "top-list", "- a\n", Compare.ReasonsAndLines },
        { "bad-limit", "groups:\n  - name: a\n    limit: abc\n", Compare.ReasonsAndLines },
        { "label-value-map", Rule + "record: x\n        expr: up\n        labels: {a: {b: c}}\n", Compare.ReasonsAndLines },
        { "bad-interval", "groups:\n  - name: a\n    interval: foo\n", Compare.ReasonsAndLines },
        { "bad-for", Rule + "alert: x\n        expr: up\n        for: 5x\n", Compare.ReasonsAndLines },
        { "negative-for", Rule + "alert: x\n        expr: up\n        for: -5m\n", Compare.ReasonsAndLines },
        { "key-twice", "groups:\n  - name: a\n    name: b\n", Compare.ReasonsAndLines },
        { "label-twice", Rule + "record: x\n        expr: up\n        labels:\n          a: b\n          a: c\n", Compare.ReasonsAndLines },
        { "empty-group-name", "groups:\n  - name: \"\"\n    rules: [{record: x, expr: up}]\n", Compare.ReasonsAndLines },
        { "no-group-name", "groups:\n  - rules: [{record: x, expr: up}]\n", Compare.ReasonsAndLines },
        { "group-repeated", "groups:\n  - name: a\n  - name: b\n  - name: a\n", Compare.ReasonsAndLines },
        { "record-and-alert", Rule + "record: x\n        alert: y\n        expr: up\n", Compare.ReasonsAndLines },
        { "neither", Rule + "expr: up\n", Compare.ReasonsAndLines },
        { "no-expr", Rule + "record: x\n", Compare.ReasonsAndLines },
        { "empty-expr", Rule + "alert: x\n        expr: \"\"\n", Compare.ReasonsAndLines },
        { "bad-promql", Rule + "record: x\n        expr: sum(up\n", Compare.ReasonsAndLines },
        { "promql-type", Rule + "alert: x\n        expr: rate(up)\n", Compare.ReasonsAndLines },
        { "promql-unknown-function", Rule + "record: x\n        expr: nope(up)\n", Compare.ReasonsAndLines },
        { "annotations-on-record", Rule + "record: x\n        expr: up\n        annotations: {a: b}\n", Compare.Reasons },
        { "for-on-record", Rule + "record: x\n        expr: up\n        for: 5m\n", Compare.Reasons },
        { "keep-firing-for-on-record", Rule + "record: x\n        expr: up\n        keep_firing_for: 5m\n", Compare.Reasons },
        { "name-label", Rule + "record: x\n        expr: up\n        labels: {__name__: y}\n", Compare.ReasonsAndLines },
        { "empty-label-name", Rule + "alert: x\n        expr: up\n        labels: {\"\": y}\n", Compare.ReasonsAndLines },
        { "many-problems", "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: sum(\n        labels: {__name__: y}\n      - alert: y\n        record: z\n        expr: up\n  - name: a\n", Compare.Reasons },
        { "not-yaml", "groups:\n  - name: a\n   rules: [\n", Compare.Verdict },
        { "tabs", "groups:\n\t- name: a\n", Compare.Verdict },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Check_rules_agrees_with_promtool(string name, string yaml, Compare compare)
    {
        var path = _dir.Combine(name + ".yml");
        await File.WriteAllTextAsync(path, yaml);
        var upstream = await Promtool.RunAsync(["check", "rules", path]);
        var (code, output, error) = await RunOursAsync("check", "rules", path);

        Assert.True(upstream.ExitCode == code, $"promtool exit {upstream.ExitCode}, ours {code}\npromtool: {upstream.StandardError}\nours: {error}");
        Assert.Equal(upstream.StandardOutput, output);
        if (upstream.ExitCode == 0)
        {
            // Success, or a lint problem: no position in it, the same text.
            Assert.Equal(upstream.StandardError, error);
            return;
        }

        var ours = Assert.Throws<RuleFileException>(() => RuleFile.LoadFile(path, new RuleFileOptions { ValidateTemplate = RuleTemplateCheck.Validate }));
        Assert.Equal("  FAILED:\n" + string.Concat(ours.Errors.Select(e => e.Message + "\n")), error);
        if (compare == Compare.Verdict)
        {
            return;
        }

        var theirs = Upstream(upstream.StandardError, path);
        Assert.Equal(theirs.Select(p => p.Reason), ours.Errors.Select(e => e.Reason));
        if (compare == Compare.ReasonsAndLines)
        {
            Assert.Equal(theirs.Select(p => p.Line), ours.Errors.Zip(theirs, (e, t) => t.Line == 0 ? 0 : (int)e.Line));
        }
    }

    /// <summary>
    /// Where Prometheus 3 (and we) differ from 2.42: the exit code each gives, and promtool's
    /// reason (ours is in <see cref="RuleFileErrorTests"/>).
    /// </summary>
    public static TheoryData<string, string, int, string> Differences() => new()
    {
        // Prometheus 3 validates names as UTF-8: any non-empty valid UTF-8 string.
        { "utf8-record-name", Rule + "record: 1x\n        expr: up\n", 0, "group \"g\", rule 1, \"1x\": invalid recording rule name: 1x" },
        { "utf8-label-name", Rule + "alert: x\n        expr: up\n        labels: {a-b: c}\n", 0, "group \"g\", rule 1, \"x\": invalid label name: a-b" },
        { "utf8-annotation-name", Rule + "alert: x\n        expr: up\n        annotations: {a b: c}\n", 0, "group \"g\", rule 1, \"x\": invalid annotation name: a b" },

        // Fields Prometheus 3 added to groups.
        { "query-offset", "groups:\n  - name: a\n    query_offset: 1m\n", 0, "field query_offset not found in type rulefmt.RuleGroup" },
        { "group-labels", "groups:\n  - name: a\n    labels: {team: x}\n", 0, "field labels not found in type rulefmt.RuleGroup" },

        // Both reject, for different reasons: 3's braces check, 3's string-typed expr.
        { "braces-in-record", Rule + "record: up{a=\"b\"}\n        expr: up\n", 1, "group \"g\", rule 1, \"up{a=\\\"b\\\"}\": invalid recording rule name: up{a=\"b\"}" },
        { "expr-map", Rule + "record: x\n        expr: {a: 1}\n", 1, "group \"g\", rule 1, \"x\": field 'expr' must be set in rule" },

    };

    [Theory]
    [MemberData(nameof(Differences))]
    public async Task Where_prometheus_3_differs_from_2_42_we_follow_3(string name, string yaml, int ourCode, string promtoolReason)
    {
        var path = _dir.Combine(name + ".yml");
        await File.WriteAllTextAsync(path, yaml);
        var upstream = await Promtool.RunAsync(["check", "rules", path]);
        Assert.Equal(1, upstream.ExitCode);
        Assert.Contains(promtoolReason, Upstream(upstream.StandardError, path).Select(p => p.Reason));

        var (code, _, error) = await RunOursAsync("check", "rules", path);
        Assert.True(ourCode == code, error);
    }

    /// <summary>
    /// promtool's problems, in Prometheus 3's words: its rule type is <c>rulefmt.Rule</c> (2.42's
    /// <c>rulefmt.RuleNode</c>), and the second, internal decode's repeat of a problem
    /// (<c>rulefmt.ruleGroups</c>, <c>[]yaml.Node</c>) is reported once.
    /// </summary>
    private static List<(int Line, string Reason)> Upstream(string standardError, string path) =>
        [.. PromtoolOutput.Problems(standardError, path)
            .Select(p => (p.Line, p.Reason.Replace("rulefmt.RuleNode", "rulefmt.Rule", StringComparison.Ordinal)))
            .Where(p => !p.Item2.Contains("rulefmt.ruleGroups", StringComparison.Ordinal) && !p.Item2.Contains("[]yaml.Node", StringComparison.Ordinal))
            .Distinct()];

    internal static async Task<(int Code, string Output, string Error)> RunOursAsync(params string[] args)
    {
        using var output = new StringWriter { NewLine = "\n" };
        using var error = new StringWriter { NewLine = "\n" };
        var code = await MonitoringCommandLine.RunAsync(args, output, error, interactive: false).WaitAsync(TimeSpan.FromSeconds(60));
        return (code, output.ToString(), error.ToString());
    }
}
