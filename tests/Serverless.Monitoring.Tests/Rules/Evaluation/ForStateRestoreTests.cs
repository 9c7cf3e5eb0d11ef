using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;
using static Serverless.Monitoring.Tests.Rules.Evaluation.RuleHarness;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>
/// Restoring <c>for</c> state after a restart (upstream's <c>RestoreForState</c>, after the second
/// evaluation): a process evaluates every minute from 0 to "down" writing <c>ALERTS_FOR_STATE</c>
/// (value = ActiveAt), a new one starts at "restart" over the same storage. Outage tolerance 1h,
/// grace period 10m.
/// </summary>
public sealed class ForStateRestoreTests
{
    private static readonly TimeSpan Minute = TimeSpan.FromMinutes(1);

    /// <summary>Name, for (s), query offset (s), last evaluation before the outage (s), first evaluation after it (s), ActiveAt restored (s).</summary>
    public static TheoryData<string, int, int, int, int, int> Cases => new()
    {
        // remaining = for - (down - activeAt) = 1500 - 300 ≥ grace: shifted by the downtime (900 - 300).
        { "pending: ActiveAt moves forward by the downtime", 1500, 0, 300, 840, 600 },

        // The offset stamps the samples a minute earlier: down at 240.
        { "with a query offset the samples are a minute older", 1500, 60, 300, 840, 660 },

        // 1500 - 1800 ≤ 0: it was firing; the stored ActiveAt stands.
        { "firing: ActiveAt as stored", 1500, 0, 1800, 1860, 0 },

        // 1500 - 1200 = 300 < grace: it may fire a grace period after the restore at 1320.
        { "less than the grace period left: fires a grace period from now", 1500, 0, 1200, 1260, 1320 + 600 - 1500 },

        // No ALERTS_FOR_STATE in [now - 1h, now]: the alert starts over at the first evaluation.
        { "down longer than the outage tolerance: not restored", 1500, 0, 300, 300 + 3600 + 60, 300 + 3600 + 60 },

        // for below the grace period: never restored.
        { "for shorter than the grace period: not restored", 300, 0, 120, 180, 180 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task For_state_is_restored_as_upstream(string name, int forSeconds, int offset, int down, int restart, int activeAt)
    {
        Assert.NotEmpty(name);
        var group = new RuleGroup("g", "f", Minute, [new AlertingRule("A", Q("vector(1)"), TimeSpan.FromSeconds(forSeconds), labels: [new("severity", "page")])], queryOffset: TimeSpan.FromSeconds(offset));
        var before = new RuleHarness(group);
        for (var t = 0; t <= down; t += 60)
        {
            await before.EvalAsync(t);
        }

        var after = new RuleHarness(group, restoreForState: true, storage: before.Storage);
        var first = await after.EvalAsync(restart);
        var second = await after.EvalAsync(restart + 60);
        Assert.False(first.RestoredForState);
        Assert.True(second.RestoredForState);
        Assert.Equal(Ns(activeAt), Assert.Single(after.Alerts()).ActiveAt);

        var third = await after.EvalAsync(restart + 120);
        var expectedState = restart + 120 - activeAt >= forSeconds ? "firing" : "pending";
        Assert.Contains(
            $"{{__name__=\"ALERTS\", alertname=\"A\", alertstate=\"{expectedState}\", severity=\"page\"}} 1 @{((restart + 120 - offset) * 1000L).ToString(System.Globalization.CultureInfo.InvariantCulture)}",
            GroupEvaluationTests.Dump(third.Samples));
        Assert.Contains(third.Samples, s => s.Labels.MetricName == "ALERTS_FOR_STATE" && s.Samples[0].Value == activeAt);
    }

    [Fact]
    public async Task Nothing_is_written_for_alerts_before_the_restore_but_alerts_are_sent()
    {
        var group = new RuleGroup("g", "f", Minute, [new AlertingRule("A", Q("vector(1)")), new RecordingRule("rec", Q("vector(1)"))]);
        var h = new RuleHarness(group, restoreForState: true);
        var first = await h.EvalAsync(0);
        var second = await h.EvalAsync(60);
        Assert.Equal(["{__name__=\"rec\"} 1 @0"], GroupEvaluationTests.Dump(first.Samples));
        Assert.Equal(["{__name__=\"rec\"} 1 @60000"], GroupEvaluationTests.Dump(second.Samples));
        Assert.Single(first.Alerts);
        Assert.Equal(AlertState.Firing, h.Status().State);
        Assert.Equal(0, h.Evaluator.ExportState().EvaluationsBeforeRestore);
        Assert.Equal(3, (await h.EvalAsync(120)).Samples.Count);
    }

    [Fact]
    public async Task A_stale_last_sample_means_the_alert_was_not_active()
    {
        var group = new RuleGroup("g", "f", Minute, [new AlertingRule("A", Q("vector(1)"), TimeSpan.FromMinutes(30))]);
        var h = new RuleHarness(group, restoreForState: true);
        var forState = LabelSet.FromStrings("__name__", "ALERTS_FOR_STATE", "alertname", "A");
        h.Storage.Add(forState, 0, 0);
        h.Storage.Add(forState, 60_000, StaleMarker.Value);
        await h.EvalAsync(120);
        await h.EvalAsync(180);
        Assert.Equal(Ns(120), Assert.Single(h.Alerts()).ActiveAt);
    }

    [Fact]
    public async Task Templated_rule_labels_are_left_out_of_the_lookup()
    {
        var group = new RuleGroup("g", "f", Minute, [new AlertingRule("A", Q("vector(1)"), TimeSpan.FromMinutes(30), labels: [new("t", "{{ $value }}"), new("severity", "page")])]);
        var h = new RuleHarness(group, restoreForState: true);

        // The literal expander leaves "{{ $value }}" in the alert's labels, so the stored series must carry it too.
        h.Storage.Add(LabelSet.FromStrings("__name__", "ALERTS_FOR_STATE", "alertname", "A", "severity", "page", "t", "{{ $value }}"), 60_000, 30);
        await h.EvalAsync(120);
        await h.EvalAsync(180);

        // remaining = 1800 - (60 - 30) ≥ grace: shifted by 180 - 60.
        Assert.Equal(Ns(30 + 120), Assert.Single(h.Alerts()).ActiveAt);
    }

    [Fact]
    public void A_group_added_by_a_reload_or_without_alerting_rules_has_nothing_to_restore()
    {
        var alerting = new RuleGroup("g", "f", Minute, [new AlertingRule("A", Q("vector(1)"))]);
        var recording = new RuleGroup("g", "f", Minute, [new RecordingRule("r", Q("vector(1)"))]);
        Assert.Equal(2, RuleGroupEvaluator.Start(alerting, DefaultOptions(), restoreForState: true).ExportState().EvaluationsBeforeRestore);
        Assert.Equal(0, RuleGroupEvaluator.Start(alerting, DefaultOptions(), restoreForState: false).ExportState().EvaluationsBeforeRestore);
        Assert.Equal(0, RuleGroupEvaluator.Start(recording, DefaultOptions(), restoreForState: true).ExportState().EvaluationsBeforeRestore);
    }
}
