using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Rules;
using static Serverless.Monitoring.Tests.Rules.RuleTestFiles;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>Valid rule files decode into the model as upstream's rule manager reads them.</summary>
public sealed class RuleFileParserTests
{
    private const string Full = """
        groups:
          - name: node
            interval: 30s
            query_offset: 1m
            limit: 10
            labels:
              team: infra
              env: ""
            rules:
              - record: job:up:sum
                expr: sum by (job) (up)
                labels:
                  source: recorded
              - alert: InstanceDown
                expr: up == 0
                for: 5m
                keep_firing_for: 2m
                labels:
                  severity: page
                  alert_class: "{{ $labels.job }}"
                annotations:
                  summary: "{{ $labels.instance }} is down"
                  description: for {{ $value }}
          - name: other
            rules:
              - alert: Always
                expr: vector(1)
        """;

    [Fact]
    public void Every_field_reaches_the_model()
    {
        var file = Parse(Full);
        Assert.Equal("rules.yml", file.Path);
        Assert.Equal(3, file.RuleCount);
        Assert.Equal(["node", "other"], file.Groups.Select(g => g.Name));

        var node = file.Groups[0];
        Assert.Equal("rules.yml", node.File);
        Assert.Equal(TimeSpan.FromSeconds(30), node.Interval);
        Assert.Equal(TimeSpan.FromMinutes(1), node.QueryOffset);
        Assert.Equal(10, node.Limit);
        Assert.Equal([new("env", ""), new("team", "infra")], node.Labels);

        var recording = Assert.IsType<RecordingRule>(node.Rules[0]);
        Assert.Equal("job:up:sum", recording.Name);
        Assert.Equal("sum by (job) (up)", recording.Expression);
        Assert.Equal([new("source", "recorded")], recording.Labels);

        var alerting = Assert.IsType<AlertingRule>(node.Rules[1]);
        Assert.Equal("InstanceDown", alerting.Name);
        Assert.Equal("up == 0", alerting.Expression);
        Assert.Equal(TimeSpan.FromMinutes(5), alerting.For);
        Assert.Equal(TimeSpan.FromMinutes(2), alerting.KeepFiringFor);
        Assert.Equal([new("alert_class", "{{ $labels.job }}"), new("severity", "page")], alerting.Labels);
        Assert.Equal([new("description", "for {{ $value }}"), new("summary", "{{ $labels.instance }} is down")], alerting.Annotations);

        var other = file.Groups[1];
        Assert.Null(other.Interval);
        Assert.Null(other.QueryOffset);
        Assert.Equal(0, other.Limit);
        Assert.Empty(other.Labels);
        var always = Assert.IsType<AlertingRule>(Assert.Single(other.Rules));
        Assert.Equal(TimeSpan.Zero, always.For);
        Assert.Empty(always.Annotations);
    }

    /// <summary>Group settings fall back to <c>global</c> as upstream's manager applies them.</summary>
    [Theory]
    [InlineData("interval: 30s", "2m", "30s")]
    [InlineData("interval: 0s", "2m", "2m")]
    [InlineData("", "2m", "2m")]
    [InlineData("", "", "1m")]
    public void The_interval_defaults_to_the_global_evaluation_interval(string groupSetting, string globalInterval, string expected)
    {
        var group = Parse($"groups:\n  - name: g\n    {groupSetting}\n    rules: []\n").Groups[0];
        var config = PrometheusConfig.Load(globalInterval.Length == 0 ? string.Empty : $"global:\n  evaluation_interval: {globalInterval}\n");
        Assert.Equal(Core.Model.PrometheusDuration.Parse(expected), group.EvaluationInterval(config.Global));
    }

    [Theory]
    [InlineData("query_offset: 30s", "2m", "30s")]
    [InlineData("query_offset: 0s", "2m", "0s")]
    [InlineData("query_offset:", "2m", "2m")]
    [InlineData("", "2m", "2m")]
    [InlineData("", "", "0s")]
    public void The_query_offset_defaults_to_the_global_rule_query_offset(string groupSetting, string globalOffset, string expected)
    {
        var group = Parse($"groups:\n  - name: g\n    {groupSetting}\n    rules: []\n").Groups[0];
        var config = PrometheusConfig.Load(globalOffset.Length == 0 ? string.Empty : $"global:\n  rule_query_offset: {globalOffset}\n");
        Assert.Equal(Core.Model.PrometheusDuration.Parse(expected), group.EffectiveQueryOffset(config.Global));
    }

    /// <summary>What go-yaml v3 accepts and how it reads it, each case with the rules and groups it yields.</summary>
    public static TheoryData<string, string, string> Accepted() => new()
    {
        { "an empty file", "", "" },
        { "a comment only", "# nothing\n", "" },
        { "no groups", "groups:\n", "" },
        { "a group without rules", "groups:\n  - name: a\n", "a[]" },
        { "null list items are dropped", "groups:\n  -\n  - name: a\n    rules:\n      -\n      - {record: x, expr: up}\n", "a[x]" },
        { "only the first document", "groups:\n  - name: a\n    rules: [{record: x, expr: up}]\n---\ngroups:\n  - name: b\n", "a[x]" },
        { "merge keys", "groups:\n  - name: a\n    rules:\n      - &r\n        record: x\n        expr: up\n      - <<: *r\n        labels: {k: v}\n", "a[x x]" },
        { "a number as expression", "groups:\n  - name: a\n    rules: [{record: x, expr: 1}]\n", "a[x]" },
        { "a string literal as expression", "groups:\n  - name: a\n    rules: [{record: x, expr: '\"s\"'}]\n", "a[x]" },
        { "a range vector in an alert", "groups:\n  - name: a\n    rules: [{alert: x, expr: 'up[5m]'}]\n", "a[x]" },
        { "a boolean as record name", "groups:\n  - name: a\n    rules: [{record: true, expr: up}]\n", "a[true]" },
        { "a negative limit", "groups:\n  - name: a\n    limit: -1\n", "a[]" },
        { "for: 0s on a recording rule", "groups:\n  - name: a\n    rules: [{record: x, expr: up, for: 0s, keep_firing_for: 0s}]\n", "a[x]" },
        { "null labels", "groups:\n  - name: a\n    rules:\n      - record: x\n        expr: up\n        labels:\n", "a[x]" },
        { "UTF-8 names (Prometheus 3)", "groups:\n  - name: a\n    rules:\n      - record: 1x.y\n        expr: up\n        labels: {\"a-b\": c}\n      - alert: é\n        expr: up\n        annotations: {\"x y\": z}\n", "a[1x.y é]" },
        { "two groups", "groups:\n  - name: a\n    rules: [{record: x, expr: up}]\n  - name: b\n    rules: [{alert: y, expr: up}]\n", "a[x] b[y]" },
    };

    [Theory]
    [MemberData(nameof(Accepted))]
    public void Accepted_as_upstream_accepts_it(string what, string yaml, string expected)
    {
        var file = Parse(yaml);
        Assert.True(
            expected == string.Join(' ', file.Groups.Select(g => $"{g.Name}[{string.Join(' ', g.Rules.Select(r => r.Name))}]")),
            what);
    }

    [Fact]
    public void A_float_limit_is_truncated_as_go_yaml_v3_does()
    {
        Assert.Equal(1, Parse("groups:\n  - name: a\n    limit: 1.5\n").Groups[0].Limit);
    }

    [Fact]
    public void A_label_with_an_empty_value_is_kept_because_it_removes_the_label_from_the_output()
    {
        var rule = Parse("groups:\n  - name: a\n    rules:\n      - record: x\n        expr: up\n        labels: {instance: \"\", job: j}\n").Groups[0].Rules[0];
        Assert.Equal([new("instance", ""), new("job", "j")], rule.Labels);
    }

    [Fact]
    public void Loading_a_file_names_it_as_given()
    {
        using var dir = new Fixtures.TempDirectory("sm-rules-");
        var path = dir.Combine("r.yml");
        File.WriteAllText(path, "groups:\n  - name: a\n    rules: [{record: x, expr: up}]\n");
        var file = RuleFile.LoadFile(path, AcceptAnyTemplate);
        Assert.Equal(path, file.Path);
        Assert.Equal(path, file.Groups[0].File);
    }

    [Fact]
    public void A_file_that_cannot_be_read_is_a_rule_file_problem_naming_it()
    {
        using var dir = new Fixtures.TempDirectory("sm-rules-");
        var path = dir.Combine("missing.yml");
        var ex = Assert.Throws<RuleFileException>(() => RuleFile.LoadFile(path, AcceptAnyTemplate));
        Assert.Equal(path, ex.FileName);
        Assert.StartsWith(path + ": ", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }
}
