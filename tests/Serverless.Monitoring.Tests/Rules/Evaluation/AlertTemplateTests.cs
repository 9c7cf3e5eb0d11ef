using System.Collections.Concurrent;
using System.Globalization;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;
using static Serverless.Monitoring.Tests.Rules.Evaluation.RuleHarness;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>How the rule manager drives the template expander (the engine itself is tested where it lives).</summary>
public sealed class AlertTemplateTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task The_expander_gets_upstreams_template_data_and_only_text_with_actions()
    {
        var expander = new RecordingExpander(r => "<" + r.Text + ">");
        var options = DefaultOptions() with
        {
            TemplateExpander = expander,
            ExternalLabels = LabelSet.FromStrings("cluster", "c1"),
            ExternalUrl = "http://prom:9090",
        };
        var rule = new AlertingRule("High", Q("x > 0"), labels: [new("severity", "page"), new("v", "{{ $value }}")], annotations: [new("summary", "{{ $labels.job }}"), new("plain", "text")]);
        var group = new RuleGroup("g", "f", Step, [rule], queryOffset: TimeSpan.FromSeconds(5));
        var h = new RuleHarness(group, options);
        h.Load("x{job=\"api\"} 3 3", Step);
        await h.EvalAsync(15);

        Assert.Equal(["{{ $labels.job }}", "{{ $value }}"], expander.Requests.Select(r => r.Text).Order(StringComparer.Ordinal));
        var request = expander.Requests.First();
        Assert.Equal("__alert_High", request.Name);
        Assert.Equal("{__name__=\"x\", job=\"api\"}", request.Labels.ToString()); // the result's labels, name included
        Assert.Equal(3, request.Value);
        Assert.Equal(LabelSet.FromStrings("cluster", "c1"), request.ExternalLabels);
        Assert.Equal("http://prom:9090", request.ExternalUrl);
        Assert.Equal(Ns(15), request.TimestampUnixNano); // the slot, not less the offset

        var alert = Assert.Single(h.Alerts());
        Assert.Equal("{alertname=\"High\", job=\"api\", severity=\"page\", v=\"<{{ $value }}>\"}", alert.Labels.ToString());
        Assert.Equal([new("plain", "text"), new("summary", "<{{ $labels.job }}>")], alert.Annotations);
    }

    [Fact]
    public async Task A_failing_template_renders_upstreams_error_text()
    {
        var expander = new RecordingExpander(_ => throw new FormatException("template: __alert_High:1:91: executing \"__alert_High\" at <$labels.x>: boom"));
        var rule = new AlertingRule("High", Q("vector(1)"), annotations: [new("summary", "{{ $labels.x }}")]);
        var h = new RuleHarness(Group(Step, rule), DefaultOptions() with { TemplateExpander = expander });
        await h.EvalAsync(0);
        Assert.Equal(
            "<error expanding template: template: __alert_High:1:91: executing \"__alert_High\" at <$labels.x>: boom>",
            Assert.Single(h.Alerts()).Annotations[0].Value);
        Assert.Equal(RuleHealth.Ok, h.Status().Health);
    }

    [Fact]
    public async Task The_query_function_sees_earlier_output_of_the_same_evaluation()
    {
        var expander = new RecordingExpander(r =>
        {
            var series = r.Query("rec * 2", RuleTime.ToMilliseconds(r.TimestampUnixNano), CancellationToken.None).GetAwaiter().GetResult();
            return series[0].Points[0].Value.ToString(CultureInfo.InvariantCulture);
        });
        var h = new RuleHarness(Group(Step, new RecordingRule("rec", Q("vector(21)")), new AlertingRule("A", Q("vector(1)"), annotations: [new("q", "{{ query \"rec * 2\" }}")])), DefaultOptions() with { TemplateExpander = expander })
        {
            WriteBack = false,
        };
        await h.EvalAsync(0);
        Assert.Equal("42", Assert.Single(h.Alerts(1)).Annotations[0].Value);
    }

    [Fact]
    public async Task A_label_that_expands_to_nothing_is_dropped_from_the_alert_but_alerts_series_keep_the_template_as_upstream()
    {
        var expander = new RecordingExpander(_ => string.Empty);
        var h = new RuleHarness(Group(Step, new AlertingRule("A", Q("vector(1)"), labels: [new("gone", "{{ $labels.nothing }}")])), DefaultOptions() with { TemplateExpander = expander });
        var result = await h.EvalAsync(0);
        Assert.Equal("{alertname=\"A\"}", Assert.Single(h.Alerts()).Labels.ToString());
        Assert.Contains("{__name__=\"ALERTS\", alertname=\"A\", alertstate=\"firing\", gone=\"{{ $labels.nothing }}\"} 1 @0", GroupEvaluationTests.Dump(result.Samples));
    }

    private sealed class RecordingExpander(Func<AlertTemplateRequest, string> expand) : IAlertTemplateExpander
    {
        public ConcurrentQueue<AlertTemplateRequest> Requests { get; } = new();

        public ValueTask<string> ExpandAsync(AlertTemplateRequest request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            return ValueTask.FromResult(expand(request));
        }
    }
}
