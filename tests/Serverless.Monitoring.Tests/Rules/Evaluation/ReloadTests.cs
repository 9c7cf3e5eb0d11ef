using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;
using static Serverless.Monitoring.Tests.Rules.Evaluation.GroupEvaluationTests;
using static Serverless.Monitoring.Tests.Rules.Evaluation.RuleHarness;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>A changed group taking over from the old one (upstream's <c>CopyState</c>) and an unchanged one resuming.</summary>
public sealed class ReloadTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task Alerts_carry_over_when_name_and_labels_match()
    {
        var h = new RuleHarness(Group(Step, new AlertingRule("A", Q("x > 0"), TimeSpan.FromMinutes(1), labels: [new("severity", "page")])));
        h.Load("x 1x10", Step);
        await h.EvalAsync(0);
        await h.EvalAsync(15);

        // The expression and annotations changed, a rule was added: a reload.
        var v2 = Group(Step, new RecordingRule("new", Q("x")), new AlertingRule("A", Q("x > 0.5"), TimeSpan.FromMinutes(1), labels: [new("severity", "page")], annotations: [new("a", "b")]));
        h.Evaluator = RuleGroupEvaluator.Resume(v2, h.Options, h.Evaluator.ExportState());
        Assert.Equal(RuleHealth.Unknown, h.Status(1).Health);
        Assert.Equal(0, Assert.Single(h.Alerts(1)).ActiveAt);

        await h.EvalAsync(45);
        Assert.Equal(AlertState.Pending, Assert.Single(h.Alerts(1)).State);
        await h.EvalAsync(60);
        var a = Assert.Single(h.Alerts(1));
        Assert.Equal((AlertState.Firing, 0L, (long?)Ns(60)), (a.State, a.ActiveAt, a.FiredAt));
        Assert.Equal([new("a", "b")], a.Annotations);
    }

    [Fact]
    public async Task Alerts_of_a_rule_whose_labels_changed_start_over_and_its_series_go_stale()
    {
        var h = new RuleHarness(Group(Step, new AlertingRule("A", Q("x > 0"), labels: [new("severity", "page")])));
        h.Load("x 1x10", Step);
        await h.EvalAsync(0);

        var v2 = Group(Step, new AlertingRule("A", Q("x > 0"), labels: [new("severity", "ticket")]));
        h.Evaluator = RuleGroupEvaluator.Resume(v2, h.Options, h.Evaluator.ExportState());
        Assert.Empty(h.Alerts());
        var result = await h.EvalAsync(15);
        Assert.Equal(
            [
                "{__name__=\"ALERTS\", alertname=\"A\", alertstate=\"firing\", severity=\"page\"} stale @15000",
                "{__name__=\"ALERTS\", alertname=\"A\", alertstate=\"firing\", severity=\"ticket\"} 1 @15000",
                "{__name__=\"ALERTS_FOR_STATE\", alertname=\"A\", severity=\"page\"} stale @15000",
                "{__name__=\"ALERTS_FOR_STATE\", alertname=\"A\", severity=\"ticket\"} 15 @15000",
            ],
            Dump(result.Samples));
        Assert.DoesNotContain((await h.EvalAsync(30)).Samples, s => s.Samples[0].IsStale);
    }

    [Fact]
    public async Task A_longer_for_sends_a_firing_alert_back_to_pending_and_a_shorter_one_fires_sooner()
    {
        var h = new RuleHarness(Group(Step, new AlertingRule("A", Q("x > 0"))));
        h.Load("x 1x10", Step);
        await h.EvalAsync(0);
        Assert.Equal(AlertState.Firing, Assert.Single(h.Alerts()).State);

        h.Evaluator = RuleGroupEvaluator.Resume(Group(Step, new AlertingRule("A", Q("x > 0"), TimeSpan.FromMinutes(1))), h.Options, h.Evaluator.ExportState());
        var result = await h.EvalAsync(30);
        var a = Assert.Single(h.Alerts());
        Assert.Equal((AlertState.Pending, 0L, (long?)null, (long?)null), (a.State, a.ActiveAt, a.FiredAt, a.LastSentAt));
        Assert.Empty(result.Alerts);
        Assert.Contains("{__name__=\"ALERTS\", alertname=\"A\", alertstate=\"pending\"} 1 @30000", Dump(result.Samples));

        h.Evaluator = RuleGroupEvaluator.Resume(Group(Step, new AlertingRule("A", Q("x > 0"), TimeSpan.FromSeconds(45))), h.Options, h.Evaluator.ExportState());
        await h.EvalAsync(45);
        a = Assert.Single(h.Alerts());
        Assert.Equal((AlertState.Firing, (long?)Ns(45)), (a.State, a.FiredAt));
    }

    [Fact]
    public async Task A_matched_recording_rule_keeps_its_series_for_staleness_and_a_removed_one_is_staled()
    {
        var h = new RuleHarness(Group(Step, new RecordingRule("rec", Q("x")), new RecordingRule("gone", Q("x"))));
        h.Load("x{i=\"1\"} 1x5", Step);
        h.Load("x{i=\"2\"} 1x5", Step);
        await h.EvalAsync(0);

        var v2 = Group(Step, new RecordingRule("rec", Q("x{i=\"1\"}")));
        h.Evaluator = RuleGroupEvaluator.Resume(v2, h.Options, h.Evaluator.ExportState());
        Assert.Equal(
            [
                "{__name__=\"gone\", i=\"1\"} stale @15000",
                "{__name__=\"gone\", i=\"2\"} stale @15000",
                "{__name__=\"rec\", i=\"1\"} 1 @15000",
                "{__name__=\"rec\", i=\"2\"} stale @15000",
            ],
            Dump((await h.EvalAsync(15)).Samples));
        Assert.Single((await h.EvalAsync(30)).Samples);
    }

    [Fact]
    public async Task Duplicate_rules_are_matched_first_with_first()
    {
        var h = new RuleHarness(Group(
            Step,
            new AlertingRule("A", Q("x{i=\"1\"} > 0")),
            new AlertingRule("A", Q("x{i=\"2\"} > 0"))));
        h.Load("x{i=\"1\"} 1x5", Step);
        h.Load("x{i=\"2\"} 0 1x5", Step);
        await h.EvalAsync(0);
        await h.EvalAsync(15);

        var v2 = Group(Step, new AlertingRule("A", Q("x{i=\"2\"} > 0")), new AlertingRule("A", Q("x{i=\"1\"} > 0")), new AlertingRule("A", Q("x > 0")));
        h.Evaluator = RuleGroupEvaluator.Resume(v2, h.Options, h.Evaluator.ExportState());
        Assert.Equal("{alertname=\"A\", i=\"1\"}", Assert.Single(h.Alerts(0)).Labels.ToString());
        Assert.Equal("{alertname=\"A\", i=\"2\"}", Assert.Single(h.Alerts(1)).Labels.ToString());
        Assert.Empty(h.Alerts(2));
    }

    [Fact]
    public async Task An_unchanged_group_resumes_exactly()
    {
        var group = Group(Step, new AlertingRule("A", Q("x > 0"), TimeSpan.FromMinutes(1)), new RecordingRule("bad", Q("\"s\"")));
        var h = new RuleHarness(group);
        h.Load("x 1x10", Step);
        await h.EvalAsync(0);
        var state = h.Evaluator.ExportState();

        // The same definition built again (as a Durable activity would): same fingerprint.
        var again = Group(Step, new AlertingRule("A", Q("x > 0"), TimeSpan.FromMinutes(1)), new RecordingRule("bad", Q("\"s\"")));
        Assert.Equal(group.Fingerprint, again.Fingerprint);
        h.Evaluator = RuleGroupEvaluator.Resume(again, h.Options, state);
        Assert.Equal((RuleHealth.Ok, RuleHealth.Err), (h.Status(0).Health, h.Status(1).Health));
        Assert.Equal((long?)0, h.Evaluator.GetStatus().LastEvaluationTimestamp);
        Assert.Equal(state.ToJson(), h.Evaluator.ExportState().ToJson());
    }

    [Fact]
    public void Another_groups_state_is_refused()
    {
        var state = RuleGroupEvaluator.Start(Group(Step), DefaultOptions(), restoreForState: false).ExportState();
        Assert.Throws<ArgumentException>(() => RuleGroupEvaluator.Resume(new RuleGroup("other", "rules.yml", Step, []), DefaultOptions(), state));
        Assert.Throws<ArgumentException>(() => RuleGroupEvaluator.Resume(new RuleGroup("g", "other.yml", Step, []), DefaultOptions(), state));
    }

    [Theory]
    [InlineData("name")]
    [InlineData("file")]
    [InlineData("interval")]
    [InlineData("limit")]
    [InlineData("offset")]
    [InlineData("group labels")]
    [InlineData("expr")]
    [InlineData("for")]
    [InlineData("keep_firing_for")]
    [InlineData("annotations")]
    public void The_fingerprint_changes_with_every_part_of_the_definition(string part)
    {
        static RuleGroup Build(string part, string changed) => new(
            part == "name" ? changed : "g",
            part == "file" ? changed : "f",
            part == "interval" ? TimeSpan.FromSeconds(30) : Step,
            [
                new AlertingRule(
                    "A",
                    Q(part == "expr" ? "y" : "x"),
                    part == "for" ? TimeSpan.FromSeconds(1) : TimeSpan.Zero,
                    part == "keep_firing_for" ? TimeSpan.FromSeconds(1) : TimeSpan.Zero,
                    annotations: [new Label("s", part == "annotations" ? changed : "v")]),
            ],
            part == "limit" ? 1 : 0,
            part == "offset" ? TimeSpan.Zero : null,
            part == "group labels" ? [new Label("team", changed)] : null);

        Assert.Equal(Build("", "").Fingerprint, Build("", "").Fingerprint);
        Assert.NotEqual(Build("", "").Fingerprint, Build(part, "other").Fingerprint);
    }

    [Fact]
    public void Group_labels_are_set_under_the_rules_own()
    {
        var group = new RuleGroup("g", "f", Step, [new RecordingRule("r", Q("x"), [new("team", "rule")])], labels: [new("team", "group"), new("env", "prod")]);
        Assert.Equal([new("env", "prod"), new("team", "rule")], group.Rules[0].Labels);
        Assert.Equal("r{env=\"prod\", team=\"rule\"}", group.Rules[0].Key);
        Assert.Equal(group.Schedule(), RuleGroupSchedule.For("g", "f", Step));
    }
}
