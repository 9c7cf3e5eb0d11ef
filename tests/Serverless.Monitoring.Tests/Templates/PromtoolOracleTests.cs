using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Core.Templates;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>
/// Prometheus's engine as the judge, at test time: rule unit-test files whose expected
/// annotations are what our engine expands are run through Debian's <c>promtool test rules</c>
/// (2.42), which expands them with Go's engine; and the parse errors <c>promtool check rules</c>
/// reports for broken templates are compared with <see cref="TemplateExpander.Validate(string, string)"/>.
/// </summary>
public sealed partial class PromtoolOracleTests
{
    private const long EvalTimeMs = 5 * 60_000;

    private static readonly (List<(string Series, string Values)> Series, List<AlertTemplateHarness.ReferenceCase> Cases) Reference =
        AlertTemplateHarness.LoadReference("promtool-alert-templates.json");

    [Fact]
    public async Task Promtool_expands_every_template_as_we_do()
    {
        // Cases where Prometheus 3 prints something else than 2.42 are checked against the recorded data only.
        var cases = Reference.Cases.Where(LiveComparable).ToList();
        var files = WriteUnitTest(cases, (c, ours) => ours);

        var result = await Promtool.RunAsync(["test", "rules", files.TestFile]);

        Assert.True(result.ExitCode == 0, $"promtool disagrees:\n{result.StandardOutput}\n{result.StandardError}");
        Assert.Contains("SUCCESS", result.StandardOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Promtool_rejects_wrong_expectations()
    {
        // Three plausible mistakes: $value of 1e21 in full (encoding/json's rule, not fmt's), humanize
        // rounding half away from zero, and a missing label as <no value> (missingkey=zero prints nothing).
        var wrong = new Dictionary<(string Alert, string Template), string>
        {
            [("V12", "{{ $value }}")] = "1000000000000000000000",
            [("Labels", "{{ humanize 1234567 }}")] = "1.234M",
            [("Labels", "[{{ $labels.missing }}]")] = "[<no value>]",
        };
        var cases = Reference.Cases.Where(LiveComparable).ToList();
        var files = WriteUnitTest(cases, (c, ours) => wrong.GetValueOrDefault((c.Alert, c.Template), ours));

        var result = await Promtool.RunAsync(["test", "rules", files.TestFile]);

        Assert.Equal(1, result.ExitCode);
        var failed = FailedAlertNames().Matches(result.StandardOutput + result.StandardError).Select(m => m.Groups[1].Value).ToHashSet();
        Assert.Equal(["Labels", "V12"], failed.Order());
    }

    /// <summary>
    /// Cases a live promtool run can judge: not where Prometheus 3 differs, and not where the output
    /// depends on the order of a query's series, which promtool's loader makes random (it creates the
    /// input series in Go map order); the recorded data checks those, in the order it was recorded in.
    /// </summary>
    private static bool LiveComparable(AlertTemplateHarness.ReferenceCase c) =>
        c.Prometheus3 is null && c.AlertIndex == 0 && !(c.Template.Contains("query", StringComparison.Ordinal) && !c.Template.Contains("sortByLabel", StringComparison.Ordinal));

    private static readonly string[] BrokenTemplates =
    [
        "{{ humanise 1 }}",
        "{{ .Labels.job",
        "line1\n{{ if true }}\nx",
        "{{ $nope }}",
        "{{ end }}",
        "{{ else }}",
        "{{ if }}{{ end }}",
        "{{ \"abc }}",
        "{{ 1a }}",
        "{{ .Foo@ }}",
        "{{ range $i, $j, $k := . }}{{ end }}",
        "{{ break }}",
        "{{ define \"x\" }}a{{ end }}{{ define \"x\" }}b{{ end }}",
        "{{ template }}",
        "{{ (1 }}",
        "a\nb\n{{ print\n1 \"x\n}}",
        "{{/* unclosed",
        "{{ 99999999999999999999 }}",
        "{{ '' }}",
        "{{ 3 | 4 }}",
        "{{ printf \"%d\" 1 | 2 }}",
        "{{ with $x := 1 }}{{ end }}{{ $x }}",
        "héllo {{ 'ab' }}",
        "{{ range .Labels }}{{ else }}{{ else }}{{ end }}",
    ];

    [Fact]
    public async Task Parse_errors_read_as_promtool_check_rules_reports_them()
    {
        var templates = BrokenTemplates;
        using var dir = new TempDirectory("templates-check-");
        var rules = new StringBuilder("groups:\n- name: g\n  rules:\n  - alert: Broken\n    expr: up\n    annotations:\n");
        for (var i = 0; i < templates.Length; i++)
        {
            rules.Append(CultureInfo.InvariantCulture, $"      a{i:000}: {Yaml(templates[i])}\n");
        }

        var path = dir.Combine("rules.yml");
        await File.WriteAllTextAsync(path, rules.ToString());

        var result = await Promtool.RunAsync(["check", "rules", path]);

        Assert.Equal(1, result.ExitCode);
        var reported = AnnotationErrors().Matches(result.StandardError)
            .ToDictionary(m => int.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture), m => m.Groups[2].Value);
        for (var i = 0; i < templates.Length; i++)
        {
            Assert.True(reported.TryGetValue(i, out var expected), $"promtool accepted {templates[i]}");
            Assert.Equal(expected, TemplateExpander.Validate("Broken", templates[i]));
        }
    }

    [Fact]
    public void Valid_templates_validate() =>
        Assert.All(Reference.Cases.Select(c => c.Template).Distinct(), t => Assert.Null(TemplateExpander.Validate("A", t)));

    private sealed record UnitTestFiles(string TestFile);

    // One rule per alert of the reference set, every template as an annotation; the test file
    // expects, for each alert, the annotations our engine expands (or a substitute from `expect`).
    private static UnitTestFiles WriteUnitTest(
        List<AlertTemplateHarness.ReferenceCase> cases,
        Func<AlertTemplateHarness.ReferenceCase, string, string> expect)
    {
        var dir = Directory.CreateTempSubdirectory("templates-promtool-").FullName;
        var harness = new AlertTemplateHarness(Reference.Series);
        var rules = new StringBuilder("groups:\n- name: templates\n  rules:\n");
        var tests = new StringBuilder("rule_files: [rules.yml]\nevaluation_interval: 1m\ntests:\n- interval: 1m\n  input_series:\n");
        foreach (var (series, values) in Reference.Series)
        {
            tests.Append(CultureInfo.InvariantCulture, $"  - series: {Yaml(series)}\n    values: {Yaml(values)}\n");
        }

        tests.Append("  alert_rule_test:\n");
        foreach (var alert in cases.GroupBy(c => c.Alert))
        {
            var expr = alert.First().Expr;
            rules.Append(CultureInfo.InvariantCulture, $"  - alert: {alert.Key}\n    expr: {Yaml(expr)}\n    annotations:\n");
            var expected = new StringBuilder();
            var i = 0;
            foreach (var c in alert)
            {
                var ours = harness.ExpandAlerts(c.Alert, c.Expr, c.Template, EvalTimeMs)[0];
                rules.Append(CultureInfo.InvariantCulture, $"      a{i:000}: {Yaml(c.Template)}\n");
                expected.Append(CultureInfo.InvariantCulture, $"          a{i:000}: {Yaml(expect(c, ours))}\n");
                i++;
            }

            var labels = harness.Query(expr, EvalTimeMs)[0].Labels.WithoutMetricName();
            tests.Append(CultureInfo.InvariantCulture, $"  - eval_time: 5m\n    alertname: {alert.Key}\n    exp_alerts:\n    - exp_labels: {{");
            tests.AppendJoin(", ", labels.AsSpan().ToArray().Select(l => $"{l.Name}: {Yaml(l.Value)}"));
            tests.Append("}\n      exp_annotations:\n").Append(expected);
        }

        File.WriteAllText(Path.Combine(dir, "rules.yml"), rules.ToString());
        var testFile = Path.Combine(dir, "test.yml");
        File.WriteAllText(testFile, tests.ToString());
        return new UnitTestFiles(testFile);
    }

    // A JSON string is a YAML double-quoted scalar.
    private static string Yaml(string s) => JsonSerializer.Serialize(s);

    [GeneratedRegex(@"alertname: (\S+), time:")]
    private static partial Regex FailedAlertNames();

    [GeneratedRegex(@"annotation ""a(\d+)"": (.*)$", RegexOptions.Multiline)]
    private static partial Regex AnnotationErrors();
}
