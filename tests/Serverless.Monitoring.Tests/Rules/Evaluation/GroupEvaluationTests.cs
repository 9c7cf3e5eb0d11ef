using System.Globalization;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Core.Storage;
using static Serverless.Monitoring.Tests.Rules.Evaluation.RuleHarness;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>One evaluation of a group: recorded series, ALERTS, stale markers, order, offsets, errors and limits.</summary>
public sealed class GroupEvaluationTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task A_recording_rule_renames_and_relabels_the_result()
    {
        var h = new RuleHarness(Group(Step, new RecordingRule("job:x:sum", Q("sum by (job) (x)"), [new("team", "a"), new("job", "")])));
        h.Load("x{job=\"a\", i=\"1\"} 1", Step);
        h.Load("x{job=\"a\", i=\"2\"} 2", Step);
        h.Load("x{job=\"b\"} 5", Step);
        var result = await h.EvalAsync(0);

        // An empty rule label removes the label, as upstream's builder does: the two sums collapse into one label set.
        Assert.Empty(result.Samples);
        Assert.Equal(RuleHealth.Err, h.Status().Health);
        Assert.Equal("vector contains metrics with the same labelset after applying rule labels", h.Status().LastError);
    }

    [Fact]
    public async Task Recorded_series_carry_the_rule_labels_and_the_scalar_result_has_only_the_name()
    {
        var h = new RuleHarness(Group(
            Step,
            new RecordingRule("job:x:sum", Q("sum by (job) (x)"), [new("team", "a")]),
            new RecordingRule("two", Q("1 + 1"))));
        h.Load("x{job=\"a\", i=\"1\"} 1", Step);
        h.Load("x{job=\"a\", i=\"2\"} 2", Step);
        h.Load("x{job=\"b\"} 5", Step);
        var result = await h.EvalAsync(15);

        Assert.Equal(
            [
                "{__name__=\"job:x:sum\", job=\"a\", team=\"a\"} 3 @15000",
                "{__name__=\"job:x:sum\", job=\"b\", team=\"a\"} 5 @15000",
                "{__name__=\"two\"} 2 @15000",
            ],
            Dump(result.Samples));
        Assert.Equal(3, result.SamplesReturned);
        Assert.All(h.Evaluator.GetStatus().Rules, r => Assert.Equal(RuleHealth.Ok, r.Health));
    }

    /// <summary>Group offset, default offset, expected value and stamp: the query runs at ts - offset, samples are stamped there.</summary>
    [Theory]
    [InlineData(null, 0, 3, 120_000)]
    [InlineData(60, 0, 2, 60_000)]
    [InlineData(null, 60, 2, 60_000)]
    [InlineData(0, 60, 3, 120_000)] // the group's own offset wins, even 0
    public async Task Query_offset_shifts_the_query_and_the_stamps(int? groupOffset, int defaultOffset, double value, long stamp)
    {
        var group = new RuleGroup(
            "g",
            "rules.yml",
            TimeSpan.FromMinutes(1),
            [new RecordingRule("rec", Q("x")), new AlertingRule("A", Q("x > 0"))],
            queryOffset: groupOffset is { } o ? TimeSpan.FromSeconds(o) : null);
        var h = new RuleHarness(group, DefaultOptions() with { DefaultQueryOffset = TimeSpan.FromSeconds(defaultOffset) });
        h.Load("x 1 2 3", TimeSpan.FromMinutes(1));
        var result = await h.EvalAsync(120);

        Assert.Equal(
            [
                $"{{__name__=\"ALERTS\", alertname=\"A\", alertstate=\"firing\"}} 1 @{stamp}",
                $"{{__name__=\"ALERTS_FOR_STATE\", alertname=\"A\"}} 120 @{stamp}", // ActiveAt is the slot itself
                $"{{__name__=\"rec\"}} {value} @{stamp}",
            ],
            Dump(result.Samples));
        Assert.Equal(Ns(120), h.Alerts(1)[0].ActiveAt);
    }

    [Fact]
    public async Task Later_rules_see_earlier_output_of_the_same_evaluation_and_not_the_other_way_round()
    {
        var h = new RuleHarness(Group(
            Step,
            new RecordingRule("early", Q("late * 10")),
            new RecordingRule("x:sum", Q("sum(x)")),
            new AlertingRule("Big", Q("x:sum > 1")),
            new RecordingRule("late", Q("count(ALERTS{alertstate=\"firing\"})")),
            new RecordingRule("big_for_state", Q("ALERTS_FOR_STATE"))))
        {
            WriteBack = false, // only the evaluation's own output can be seen
        };
        h.Load("x{i=\"1\"} 1", Step);
        h.Load("x{i=\"2\"} 2", Step);
        var result = await h.EvalAsync(0);

        Assert.Equal(
            [
                "{__name__=\"ALERTS\", alertname=\"Big\", alertstate=\"firing\"} 1 @0",
                "{__name__=\"ALERTS_FOR_STATE\", alertname=\"Big\"} 0 @0",
                "{__name__=\"big_for_state\", alertname=\"Big\"} 0 @0",
                "{__name__=\"late\"} 1 @0",
                "{__name__=\"x:sum\"} 3 @0",
            ],
            Dump(result.Samples));
    }

    [Fact]
    public async Task A_series_a_rule_no_longer_produces_gets_a_stale_marker_that_later_rules_see_at_once()
    {
        var h = new RuleHarness(Group(
            Step,
            new RecordingRule("rec", Q("x > 0")),
            new RecordingRule("rec_count", Q("count(rec)"))));
        h.Load("x{i=\"1\"} 1 1 1", Step);
        h.Load("x{i=\"2\"} 1 0 1", Step);
        await h.EvalAsync(0);
        var result = await h.EvalAsync(15);

        Assert.Equal(
            [
                "{__name__=\"rec\", i=\"1\"} 1 @15000",
                "{__name__=\"rec\", i=\"2\"} stale @15000",
                "{__name__=\"rec_count\"} 1 @15000", // not 2 through the lookback window
            ],
            Dump(result.Samples));
        Assert.Equal(2, result.SamplesReturned); // stale markers are not counted
        Assert.Equal(3, Dump((await h.EvalAsync(30)).Samples).Count);
    }

    [Fact]
    public async Task Alert_series_follow_the_state_with_stale_markers()
    {
        var rule = new AlertingRule("X", Q("x > 0"), TimeSpan.FromSeconds(15), labels: [new("severity", "page")]);
        var h = new RuleHarness(Group(Step, rule));
        h.Load("x 1 1 0", Step);

        Assert.Equal(
            [
                "{__name__=\"ALERTS\", alertname=\"X\", alertstate=\"pending\", severity=\"page\"} 1 @0",
                "{__name__=\"ALERTS_FOR_STATE\", alertname=\"X\", severity=\"page\"} 0 @0",
            ],
            Dump((await h.EvalAsync(0)).Samples));
        Assert.Equal(
            [
                "{__name__=\"ALERTS\", alertname=\"X\", alertstate=\"firing\", severity=\"page\"} 1 @15000",
                "{__name__=\"ALERTS\", alertname=\"X\", alertstate=\"pending\", severity=\"page\"} stale @15000",
                "{__name__=\"ALERTS_FOR_STATE\", alertname=\"X\", severity=\"page\"} 0 @15000",
            ],
            Dump((await h.EvalAsync(15)).Samples));
        Assert.Equal(
            [
                "{__name__=\"ALERTS\", alertname=\"X\", alertstate=\"firing\", severity=\"page\"} stale @30000",
                "{__name__=\"ALERTS_FOR_STATE\", alertname=\"X\", severity=\"page\"} stale @30000",
            ],
            Dump((await h.EvalAsync(30)).Samples));
        Assert.Empty((await h.EvalAsync(45)).Samples);
    }

    [Fact]
    public async Task A_failing_rule_gets_health_err_and_the_others_go_on()
    {
        var h = new RuleHarness(Group(
            Step,
            new RecordingRule("text", Q("\"a string\"")),
            new RecordingRule("product", Q("x * on() y")),
            new RecordingRule("fine", Q("x"))));
        h.Load("x 1 1 1", Step);
        h.Load("y{i=\"1\"} 1 1 1", Step);
        h.Load("y{i=\"2\"} _ 1 stale", Step);

        var first = await h.EvalAsync(0);
        Assert.Equal(["{__name__=\"fine\"} 1 @0", "{__name__=\"product\"} 1 @0"], Dump(first.Samples));
        Assert.Equal((3, 1), (first.RuleEvaluations, first.RuleFailures));
        var text = h.Status(0);
        Assert.Equal((RuleHealth.Err, "rule result is not a vector or scalar"), (text.Health, text.LastError));

        // y has two series now: one-to-one matching on () fails. The rule's series is not marked stale.
        var second = await h.EvalAsync(15);
        Assert.Equal(["{__name__=\"fine\"} 1 @15000"], Dump(second.Samples));
        Assert.Equal(2, second.RuleFailures);
        Assert.Equal(RuleHealth.Err, h.Status(1).Health);
        Assert.StartsWith("found duplicate series for the match group", h.Status(1).LastError, StringComparison.Ordinal);
        Assert.Equal((RuleHealth.Ok, null), (h.Status(2).Health, h.Status(2).LastError));

        var third = await h.EvalAsync(30);
        Assert.Equal(["{__name__=\"fine\"} 1 @30000", "{__name__=\"product\"} 1 @30000"], Dump(third.Samples));
        Assert.Equal((RuleHealth.Ok, null), (h.Status(1).Health, h.Status(1).LastError));
    }

    [Fact]
    public async Task Duplicate_alert_label_sets_are_an_error()
    {
        var h = new RuleHarness(Group(Step, new AlertingRule("X", Q("x"), labels: [new("i", "same")])));
        h.Load("x{i=\"1\"} 1", Step);
        h.Load("x{i=\"2\"} 1", Step);
        var result = await h.EvalAsync(0);
        Assert.Empty(result.Samples);
        Assert.Equal("vector contains metrics with the same labelset after applying alert labels", h.Status().LastError);
        Assert.Empty(h.Alerts());
    }

    /// <summary>Limit, number of x series at each of two evaluations, then the expected error of the second (null: none).</summary>
    [Theory]
    [InlineData(0, 3, 5, null)]
    [InlineData(3, 3, 3, null)]
    [InlineData(3, 3, 4, "exceeded limit of 3 with 4 alerts")]
    [InlineData(1, 1, 2, "exceeded limit of 1 with 2 alerts")]
    public async Task An_alerting_rule_over_its_limit_drops_all_its_alerts(int limit, int first, int second, string? error)
    {
        var group = new RuleGroup("g", "f", Step, [new AlertingRule("X", Q("x > 0"))], limit: limit);
        var h = new RuleHarness(group);
        for (var i = 0; i < Math.Max(first, second); i++)
        {
            h.Load($"x{{i=\"{i}\"}} {(i < first ? 1 : 0)} {(i < second ? 1 : 0)}", Step);
        }

        Assert.Equal(first * 2, (await h.EvalAsync(0)).Samples.Count);
        var result = await h.EvalAsync(15);
        Assert.Equal(error, h.Status().LastError);
        if (error is null)
        {
            Assert.Equal(second, h.Alerts().Count);
        }
        else
        {
            // No series, no stale markers, nothing sent, no alerts kept.
            Assert.Equal((RuleHealth.Err, 0, 0, 0), (h.Status().Health, result.Samples.Count, result.Alerts.Count, h.Alerts().Count));
        }
    }

    [Fact]
    public async Task Alerts_kept_firing_count_towards_the_limit()
    {
        var group = new RuleGroup("g", "f", Step, [new AlertingRule("X", Q("x > 0"), keepFiringFor: TimeSpan.FromMinutes(1))], limit: 2);
        var h = new RuleHarness(group);
        h.Load("x{i=\"1\"} 1 0", Step);
        h.Load("x{i=\"2\"} 1 1", Step);
        h.Load("x{i=\"3\"} 0 1", Step);
        await h.EvalAsync(0);
        await h.EvalAsync(15);
        Assert.Equal("exceeded limit of 2 with 3 alerts", h.Status().LastError);
    }

    [Theory]
    [InlineData(0, 2, null)]
    [InlineData(2, 2, null)]
    [InlineData(1, 2, "exceeded limit of 1 with 2 series")]
    public async Task A_recording_rule_over_its_limit_records_nothing(int limit, int series, string? error)
    {
        var group = new RuleGroup("g", "f", Step, [new RecordingRule("rec", Q("x"))], limit: limit);
        var h = new RuleHarness(group);
        for (var i = 0; i < series; i++)
        {
            h.Load($"x{{i=\"{i}\"}} 1", Step);
        }

        var result = await h.EvalAsync(0);
        Assert.Equal(error, h.Status().LastError);
        Assert.Equal(error is null ? series : 0, result.Samples.Count);
    }

    [Fact]
    public async Task Two_rules_writing_the_same_series_at_the_same_time_clash_as_in_upstreams_storage()
    {
        var h = new RuleHarness(Group(
            Step,
            new RecordingRule("rec", Q("vector(1)")),
            new RecordingRule("rec", Q("vector(2)")),
            new RecordingRule("rec", Q("vector(1)"))));
        var first = await h.EvalAsync(0);
        Assert.Equal(["{__name__=\"rec\"} 1 @0"], Dump(first.Samples));
        Assert.Equal("duplicate sample for timestamp", h.Status(1).LastError);
        Assert.Equal(RuleHealth.Ok, h.Status(2).Health); // the same value again is no clash

        await h.EvalAsync(15);
        Assert.Equal("duplicate sample for timestamp 15000; overrides not allowed: existing 1, new value 2", h.Status(1).LastError);
    }

    [Fact]
    public async Task Status_has_times_from_the_wall_clock_and_the_slot()
    {
        var h = new RuleHarness(new RuleGroup("g", "f", Step, [new RecordingRule("rec", Q("vector(1)"))], limit: 7));
        var status = h.Evaluator.GetStatus();
        Assert.Equal(("g", "f", Step, 7, (long?)null), (status.Name, status.File, status.Interval, status.Limit, status.LastEvaluation));
        Assert.Null(status.Rules[0].LastEvaluation);
        Assert.Null(status.Rules[0].State);

        await h.EvalAsync(30);
        status = h.Evaluator.GetStatus();
        Assert.Equal((Ns(30), (long?)Ns(30), (long?)Ns(30)), (status.LastEvaluationTimestamp!.Value, status.LastEvaluation, status.Rules[0].LastEvaluation));
        Assert.Equal("vector(1)", status.Rules[0].Rule.QueryText);
    }

    [Fact]
    public async Task Evaluation_times_are_measured_per_rule_and_group()
    {
        RuleHarness? h = null;
        var slow = new DelegateExpander(() => h!.Clock.Now += TimeSpan.FromSeconds(2));
        h = new RuleHarness(Group(Step, new RecordingRule("rec", Q("vector(1)")), new AlertingRule("A", Q("vector(1)"), labels: [new("t", "{{ slow }}")])), DefaultOptions() with { TemplateExpander = slow });
        var result = await h.EvalAsync(0);
        var status = h.Evaluator.GetStatus();
        Assert.Equal((TimeSpan.Zero, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(2)), (status.Rules[0].EvaluationTime, status.Rules[1].EvaluationTime, status.EvaluationTime));
        Assert.Equal((TimeSpan.FromSeconds(2), (long?)0, (long?)0), (result.Duration, status.LastEvaluation, status.Rules[1].LastEvaluation));
    }

    [Fact]
    public async Task A_removed_group_marks_all_its_series_stale()
    {
        var group = new RuleGroup("g", "f", Step, [new RecordingRule("rec", Q("x")), new AlertingRule("A", Q("x"))], queryOffset: TimeSpan.FromSeconds(10));
        var h = new RuleHarness(group);
        h.Load("x{i=\"1\"} 1", Step);
        Assert.Equal(3, (await h.EvalAsync(15)).Samples.Count);
        Assert.Equal(
            [
                "{__name__=\"ALERTS\", alertname=\"A\", alertstate=\"firing\", i=\"1\"} stale @20000",
                "{__name__=\"ALERTS_FOR_STATE\", alertname=\"A\", i=\"1\"} stale @20000",
                "{__name__=\"rec\", i=\"1\"} stale @20000",
            ],
            Dump(h.Evaluator.StaleMarkersForRemoval(Ns(30))));
    }

    [Fact]
    public async Task Evaluations_of_one_group_do_not_overlap()
    {
        var gate = new TaskCompletionSource();
        var h = new RuleHarness(Group(Step, new AlertingRule("X", Q("vector(1)"), labels: [new("t", "{{ wait }}")])), DefaultOptions() with { TemplateExpander = new WaitingExpander(gate.Task) });
        var running = h.EvalAsync(0);
        await Assert.ThrowsAsync<InvalidOperationException>(() => h.Evaluator.EvaluateAsync(Ns(15), h.Storage));
        gate.SetResult();
        await running;
        await h.EvalAsync(15);
    }

    [Fact]
    public async Task Cancellation_stops_the_evaluation()
    {
        var h = new RuleHarness(Group(Step, new RecordingRule("rec", Q("vector(1)"))));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Evaluator.EvaluateAsync(0, h.Storage, cts.Token));
        await h.EvalAsync(0);
    }

    /// <summary>Samples as sorted <c>{labels} value @ms</c> lines (<c>stale</c> for the marker).</summary>
    internal static List<string> Dump(IEnumerable<SeriesSamples> samples) =>
        [.. samples.SelectMany(s => s.Samples.Select(p => $"{s.Labels} {Value(p)} @{p.TimestampMs.ToString(CultureInfo.InvariantCulture)}")).Order(StringComparer.Ordinal)];

    private static string Value(Sample p) => p.IsStale ? "stale" : p.Value.ToString(CultureInfo.InvariantCulture);

    private sealed class DelegateExpander(Action action) : IAlertTemplateExpander
    {
        public ValueTask<string> ExpandAsync(AlertTemplateRequest request, CancellationToken cancellationToken)
        {
            action();
            return ValueTask.FromResult("x");
        }
    }

    private sealed class WaitingExpander(Task gate) : IAlertTemplateExpander
    {
        public async ValueTask<string> ExpandAsync(AlertTemplateRequest request, CancellationToken cancellationToken)
        {
            await gate;
            return "x";
        }
    }
}
