using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Rules.Testing;

namespace Serverless.Monitoring.Tests.Rules.UnitTests;

/// <summary>
/// The unit-test file's strict decode: every field of promtool's format into the model, and each
/// mistake as one error naming file, line, column and field, with go-yaml's reason and promtool's type names.
/// </summary>
public sealed class RuleTestFileParserTests
{
    private const string File = "t.yml";

    /// <summary>YAML, the error message.</summary>
    public static TheoryData<string, string> Mistakes() => new()
    {
        { "rule_file: [a]\n", "t.yml:1:1: rule_file: field rule_file not found in type main.unitTestFile" },
        { "tests:\n  - interval: 1m\n    inputs: []\n", "t.yml:3:5: tests[0].inputs: field inputs not found in type main.testGroup" },
        { "evaluation_interval: 5x\n", "t.yml:1:22: evaluation_interval: not a valid duration string: \"5x\"" },
        { "evaluation_interval: -1m\n", "t.yml:1:22: evaluation_interval: not a valid duration string: \"-1m\"" },
        { "tests:\n  - input_series:\n      - series: up\n        values: [1]\n", "t.yml:4:17: tests[0].input_series[0].values: cannot unmarshal !!seq into string" },
        { "tests:\n  - input_series:\n      - serie: up\n", "t.yml:3:9: tests[0].input_series[0].serie: field serie not found in type main.series" },
        { "tests:\n  - alert_rule_test:\n      - alertname: A\n        exp_alerts:\n          - exp_labels: [a]\n", "t.yml:5:25: tests[0].alert_rule_test[0].exp_alerts[0].exp_labels: cannot unmarshal !!seq into map[string]string" },
        { "tests:\n  - alert_rule_test:\n      - eval_time: 1h\n        exp_alerts:\n          - exp_label: {a: b}\n", "t.yml:5:13: tests[0].alert_rule_test[0].exp_alerts[0].exp_label: field exp_label not found in type main.alert" },
        { "tests:\n  - alert_rule_test:\n      - evaltime: 1m\n", "t.yml:3:9: tests[0].alert_rule_test[0].evaltime: field evaltime not found in type main.alertTestCase" },
        { "tests:\n  - promql_expr_test:\n      - expr: up\n        exp_samples:\n          - labels: up\n            value: '1'\n", "t.yml:6:20: tests[0].promql_expr_test[0].exp_samples[0].value: cannot unmarshal !!str `1` into float64" },
        { "tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: 1e400\n", "t.yml:4:20: tests[0].promql_expr_test[0].exp_samples[0].value: cannot unmarshal !!str `1e400` into float64" },
        { "tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: [1]\n", "t.yml:4:20: tests[0].promql_expr_test[0].exp_samples[0].value: cannot unmarshal !!seq into float64" },
        { "tests:\n  - promql_expr_test:\n      - query: up\n", "t.yml:3:9: tests[0].promql_expr_test[0].query: field query not found in type main.promqlTestCase" },
        { "tests:\n  - promql_expr_test:\n      - exp_samples:\n          - label: up\n", "t.yml:4:13: tests[0].promql_expr_test[0].exp_samples[0].label: field label not found in type main.sample" },
        { "tests:\n  - external_labels: [a]\n", "t.yml:2:22: tests[0].external_labels: cannot unmarshal !!seq into labels.Labels" },
        { "tests: {}\n", "t.yml:1:8: tests: cannot unmarshal !!map into []main.testGroup" },
        { "rule_files: a.yml\n", "t.yml:1:13: rule_files: cannot unmarshal !!str `a.yml` into []string" },
        { "group_eval_order: [[a]]\n", "t.yml:1:20: group_eval_order[0]: cannot unmarshal !!seq into string" },
        { "- a\n", "t.yml:1:1: cannot unmarshal !!seq into main.unitTestFile" },
        { "tests:\n  - interval: 1m\n    interval: 2m\n", "t.yml:3:5: tests[0].interval: mapping key \"interval\" already defined at line 2" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_names_file_line_column_and_field(string yaml, string message)
    {
        var error = Assert.Throws<ConfigException>(() => RuleTestFile.Parse(yaml, File));
        Assert.Equal(message, error.Message);
        Assert.Equal(File, error.FileName);
        Assert.True(error.Line > 0);
    }

    [Fact]
    public void Text_that_is_not_yaml_is_named_with_its_place()
    {
        var error = Assert.Throws<ConfigException>(() => RuleTestFile.Parse("tests: [\n  - a: b\n", File));
        Assert.StartsWith("t.yml:", error.Message, StringComparison.Ordinal);
        Assert.Contains("yaml: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Every_field_is_read()
    {
        const string Yaml = """
            rule_files: [a.yml, 'rules/*.yml']
            evaluation_interval: 30s
            group_eval_order: [first, second]
            tests:
              - name: everything
                interval: 15s
                external_labels: {region: eu, dc: '1'}
                external_url: http://localhost:9090/x
                input_series:
                  - series: 'up{job="a"}'
                    values: 1+1x3 _ stale
                  - series: down
                alert_rule_test:
                  - eval_time: 1m30s
                    alertname: Down
                    exp_alerts:
                      - exp_labels: {job: a, n: 1}
                        exp_annotations: {summary: "it is down"}
                      - {}
                promql_expr_test:
                  - expr: sum(up)
                    eval_time: 2m
                    exp_samples:
                      - labels: '{}'
                        value: 4
                      - labels: up
                        value: 0x10
                      - labels: x
                        value: -.inf
                      - labels: y
              - {}
            ---
            ignored: a later document, as go-yaml v2 ignores it
            """;
        var file = RuleTestFile.Parse(Yaml, File);

        Assert.Equal(File, file.Path);
        Assert.Equal(["a.yml", "rules/*.yml"], file.RuleFiles);
        Assert.Equal(TimeSpan.FromSeconds(30), file.EvaluationInterval);
        Assert.Equal(TimeSpan.FromSeconds(30), file.EffectiveEvaluationInterval);
        Assert.Equal(["first", "second"], file.GroupEvalOrder);
        Assert.Equal(2, file.Tests.Count);

        var test = file.Tests[0];
        Assert.Equal("everything", test.Name);
        Assert.Equal(TimeSpan.FromSeconds(15), test.Interval);
        Assert.Equal([new("region", "eu"), new("dc", "1")], test.ExternalLabels);
        Assert.Equal("http://localhost:9090/x", test.ExternalUrl);
        Assert.Equal([new InputSeries("up{job=\"a\"}", "1+1x3 _ stale"), new InputSeries("down", string.Empty)], test.InputSeries);

        var alert = Assert.Single(test.AlertRuleTests);
        Assert.Equal(TimeSpan.FromSeconds(90), alert.EvalTime);
        Assert.Equal("Down", alert.AlertName);
        Assert.Equal(2, alert.ExpectedAlerts.Count);
        Assert.Equal([new("job", "a"), new("n", "1")], alert.ExpectedAlerts[0].Labels);
        Assert.Equal([new("summary", "it is down")], alert.ExpectedAlerts[0].Annotations);
        Assert.Empty(alert.ExpectedAlerts[1].Labels);

        var query = Assert.Single(test.PromqlExprTests);
        Assert.Equal("sum(up)", query.Expr);
        Assert.Equal(TimeSpan.FromMinutes(2), query.EvalTime);
        Assert.Equal(
            [new ExpectedSample("{}", 4), new ExpectedSample("up", 16), new ExpectedSample("x", double.NegativeInfinity), new ExpectedSample("y", 0)],
            query.ExpectedSamples);

        // An empty entry is a test with nothing in it; its interval falls back to the evaluation interval.
        Assert.Equal(TimeSpan.Zero, file.Tests[1].Interval);
        Assert.Equal(TimeSpan.FromSeconds(30), file.Tests[1].EffectiveInterval(file.EffectiveEvaluationInterval));
    }

    [Fact]
    public void An_empty_file_has_no_tests_and_the_default_interval()
    {
        var file = RuleTestFile.Parse(string.Empty, File);
        Assert.Empty(file.Tests);
        Assert.Empty(file.RuleFiles);
        Assert.Equal(TimeSpan.Zero, file.EvaluationInterval);
        Assert.Equal(TimeSpan.FromMinutes(1), file.EffectiveEvaluationInterval);
    }

    /// <summary>A plain scalar for <c>value</c>, the float go-yaml v2 resolves it to.</summary>
    [Theory]
    [InlineData("1", 1)]
    [InlineData("-2.5", -2.5)]
    [InlineData("1e3", 1000)]
    [InlineData(".5", 0.5)]
    [InlineData("1_000", 1000)]
    [InlineData("0x1f", 31)]
    [InlineData("0o17", 15)]
    [InlineData("010", 8)]
    [InlineData("0b101", 5)]
    [InlineData("+.inf", double.PositiveInfinity)]
    [InlineData(".NaN", double.NaN)]
    [InlineData("~", 0)]
    public void Values_resolve_as_go_yaml_v2_resolves_floats(string scalar, double expected)
    {
        var file = RuleTestFile.Parse($"tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: {scalar}\n", File);
        Assert.Equal(expected, file.Tests[0].PromqlExprTests[0].ExpectedSamples[0].Value);
    }

    [Theory]
    [InlineData("Inf")]
    [InlineData("NaN")]
    [InlineData("1e")]
    [InlineData("0x")]
    [InlineData("true")]
    [InlineData("\"2\"")]
    public void Other_scalars_are_no_float(string scalar)
    {
        var error = Assert.Throws<ConfigException>(() => RuleTestFile.Parse($"tests:\n  - promql_expr_test:\n      - exp_samples:\n          - value: {scalar}\n", File));
        Assert.EndsWith(" into float64", error.Message, StringComparison.Ordinal);
        Assert.Equal(4, error.Line);
    }
}
