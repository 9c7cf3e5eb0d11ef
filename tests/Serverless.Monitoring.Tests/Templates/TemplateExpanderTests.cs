using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Tests.Templates;

/// <summary>The expander's contract: upstream's error wrapping, the alert prelude, validation and metrics.</summary>
public sealed class TemplateExpanderTests
{
    private static readonly AlertTemplateData Data = new(
        LabelSet.FromStrings("__name__", "up", "instance", "host-1:9100", "job", "node"),
        LabelSet.FromStrings("region", "eu"),
        "http://prom.example.com:9090",
        0.5);

    private static readonly PrometheusTemplateState State = new() { TimestampMs = 1_600_000_000_000, ExternalUrl = "http://prom.example.com:9090" };

    [Fact]
    public void Expands_with_the_prelude_variables()
    {
        var text = TemplateExpander.Default.ExpandAlert(
            "HighLoad",
            "{{ $labels.instance }} of {{ $labels.job }} at {{ humanizePercentage $value }} in {{ $externalLabels.region }} ({{ $externalURL }}) [{{ $labels.missing }}]",
            Data,
            State,
            out var error);

        Assert.Null(error);
        Assert.Equal("host-1:9100 of node at 50% in eu (http://prom.example.com:9090) []", text);
    }

    [Fact]
    public void Wraps_execution_errors_as_upstream()
    {
        var e = Assert.Throws<TemplateExpansionException>(() => TemplateExpander.Default.Expand("x", "a\n{{ .Nope }}", Data, State));
        Assert.Equal(
            "error executing template x: template: x:2:3: executing \"x\" at <.Nope>: can't evaluate field Nope in type struct { Labels map[string]string; ExternalLabels map[string]string; ExternalURL string; Value interface {} }",
            e.Message);
    }

    [Fact]
    public void Wraps_parse_errors_as_upstream()
    {
        Assert.False(TemplateExpander.Default.TryExpand("x", "{{ humanise 1 }}", Data, State, out var result, out var error));
        Assert.Equal(string.Empty, result);
        Assert.Equal("error parsing template x: template: x:1: function \"humanise\" not defined", error);
    }

    [Fact]
    public void An_alert_template_that_fails_expands_to_the_error_text()
    {
        var text = TemplateExpander.Default.ExpandAlert("HighLoad", "{{ humanize \"x\" }}", Data, State, out var error);

        Assert.Equal(
            "error executing template __alert_HighLoad: template: __alert_HighLoad:1:115: executing \"__alert_HighLoad\" at <humanize \"x\">: error calling humanize: strconv.ParseFloat: parsing \"x\": invalid syntax",
            error);
        Assert.Equal($"<error expanding template: {error}>", text);
    }

    [Theory]
    [InlineData("{{ $labels.job }}", null)]
    [InlineData("plain text", null)]
    [InlineData("{{ now }}", null)]
    [InlineData("{{ $nope }}", "template: __alert_A:1: undefined variable \"$nope\"")]
    [InlineData("{{ if true }}", "template: __alert_A:1: unexpected EOF")]
    [InlineData("a\nb\n{{ humanise }}", "template: __alert_A:3: function \"humanise\" not defined")]
    public void Validates_as_the_rule_file_parser_does(string text, string? error) =>
        Assert.Equal(error, TemplateExpander.Validate("A", text));

    [Fact]
    public void Validation_names_the_template_after_the_rule()
    {
        Assert.Equal("template: __alert_:1: unclosed action", TemplateExpander.Validate("{{ 1"));
        Assert.Equal("template: __alert_Disk:1: unclosed action", TemplateExpander.Validate("Disk", "{{ 1"));
    }

    [Fact]
    public void Counts_expansions_and_failures()
    {
        var metrics = new MetricRegistry();
        var expander = new TemplateExpander(metrics);
        expander.ExpandAlert("A", "{{ 1 }}", Data, State, out _);
        expander.ExpandAlert("A", "{{ 1 }}", Data, State, out _);
        expander.ExpandAlert("A", "{{ nil }}", Data, State, out _);
        expander.ExpandAlert("A", "{{ nope }}", Data, State, out _);

        Assert.Equal(4, metrics.CreateCounter("prometheus_template_text_expansions_total", "The total number of template text expansions.").Value);
        Assert.Equal(2, metrics.CreateCounter("prometheus_template_text_expansion_failures_total", "The total number of template text expansion failures.").Value);
    }

    [Fact]
    public void Query_runs_at_the_evaluation_time_and_reports_its_errors()
    {
        var seen = new List<(string Query, long Time)>();
        var state = new PrometheusTemplateState
        {
            TimestampMs = 1234,
            Query = (q, t) =>
            {
                seen.Add((q, t));
                return q == "bad" ? throw new InvalidOperationException("1:4: parse error: unexpected end of input") : [new QuerySample(LabelSet.FromStrings("a", "b"), 2.5)];
            },
        };

        Assert.Equal("b=2.5", TemplateExpander.Default.ExpandAlert("A", "{{ range query \"up\" }}{{ .Labels.a }}={{ .Value }}{{ end }}", Data, state, out _));
        TemplateExpander.Default.ExpandAlert("A", "{{ query \"bad\" }}", Data, state, out var error);

        Assert.Equal([("up", 1234L), ("bad", 1234L)], seen);
        Assert.EndsWith("error calling query: 1:4: parse error: unexpected end of input", error, StringComparison.Ordinal);
    }

    [Fact]
    public void Without_a_query_function_or_external_url_the_calls_fail_as_go_nil_pointers_do()
    {
        var state = new PrometheusTemplateState();
        TemplateExpander.Default.ExpandAlert("A", "{{ query \"up\" }}", Data, state, out var queryError);
        TemplateExpander.Default.ExpandAlert("A", "{{ externalURL }}", Data, state, out var urlError);

        Assert.EndsWith("error calling query: runtime error: invalid memory address or nil pointer dereference", queryError, StringComparison.Ordinal);
        Assert.EndsWith("error calling externalURL: runtime error: invalid memory address or nil pointer dereference", urlError, StringComparison.Ordinal);
    }

    [Fact]
    public void Parses_once_and_executes_many_times()
    {
        var template = Template.Parse("t", "{{ range $k, $v := .Labels }}{{ $k }}={{ $v | toUpper }},{{ end }} {{ humanize .Value }}", PrometheusFunctions.Table, MissingKeyOption.Zero);
        var outputs = Enumerable.Range(0, 1000).AsParallel().Select(_ => template.Execute(Data, State)).Distinct().ToList();

        Assert.Equal(["__name__=UP,instance=HOST-1:9100,job=NODE, 500m"], outputs);
    }
}
