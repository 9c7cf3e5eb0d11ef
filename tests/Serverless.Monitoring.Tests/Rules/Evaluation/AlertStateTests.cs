using Serverless.Monitoring.Core.Rules.Evaluation;
using static Serverless.Monitoring.Tests.Rules.Evaluation.RuleHarness;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>
/// The alert state machine, evaluation by evaluation: <c>x</c> holds one value per interval from 0
/// (promtool's notation) and the rule is <c>x &gt; 0</c>; after each evaluation the rule's one alert
/// is P(ending), F(iring), I(nactive, resolved and kept) or - (none). <c>S*n</c> repeats a state.
/// </summary>
public sealed class AlertStateTests
{
    /// <summary>Name, interval (s), for (s), keep_firing_for (s), x, states after each evaluation.</summary>
    public static TheoryData<string, int, int, int, string, string> Timelines => new()
    {
        { "fires exactly when for has passed", 15, 60, 0, "1x8", "P P P P F F F F F" },
        { "one step short of for stays pending", 15, 61, 0, "1x8", "P P P P P F F F F" },
        { "for 0 fires at once", 15, 0, 0, "1x3", "F F F F" },
        { "a pending alert that vanishes is forgotten, and starts over", 15, 60, 0, "1 1 0 0 1x5", "P P - - P P P P F" },
        { "a firing alert that vanishes is resolved, and refires", 15, 0, 0, "1 1 0 0 1 1", "F F I I F F" },
        { "a resolved alert that comes back under for is pending again", 15, 30, 0, "1 1 1 0 1 1 1", "P P F I P P F" },
        { "keep_firing_for holds it firing, resolved once it has passed", 15, 0, 30, "1 1 0 0 0 0 0", "F F F F I I I" },
        { "keep_firing_for restarts when the series comes back", 15, 0, 30, "1 0 0 1 0 0 0", "F F F F F F I" },
        { "keep_firing_for does not hold a pending alert", 15, 60, 60, "1 1 0 0", "P P - -" },
        { "keep_firing_for shorter than the interval resolves at the next evaluation", 15, 0, 10, "1 0 0", "F F I" },
        { "resolved alerts are kept 15 minutes, then forgotten", 60, 0, 0, "1 0x20", "F I*16 - - - -" },
    };

    [Theory]
    [MemberData(nameof(Timelines))]
    public async Task Alert_state_follows_upstream(string name, int interval, int forSeconds, int keepFiringSeconds, string x, string states)
    {
        Assert.NotEmpty(name);
        var rule = new AlertingRule("X", Q("x > 0"), TimeSpan.FromSeconds(forSeconds), TimeSpan.FromSeconds(keepFiringSeconds));
        var h = new RuleHarness(Group(TimeSpan.FromSeconds(interval), rule));
        h.Load("x " + x, TimeSpan.FromSeconds(interval));
        var expected = Expand(states);
        var actual = new List<string>();
        for (var i = 0; i < expected.Count; i++)
        {
            await h.EvalAsync(i * interval);
            var alerts = h.Alerts();
            Assert.True(alerts.Count <= 1);
            actual.Add(alerts.Count == 0 ? "-" : alerts[0].State.ToString()[..1]);
        }

        Assert.Equal(string.Join(' ', expected), string.Join(' ', actual));
    }

    [Fact]
    public async Task Times_are_set_as_upstream()
    {
        var rule = new AlertingRule("X", Q("x > 0"), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(30));
        var h = new RuleHarness(Group(TimeSpan.FromSeconds(15), rule));
        h.Load("x 1 1 1 0 0 0 0 7", TimeSpan.FromSeconds(15));

        await h.EvalAsync(0);
        var a = Assert.Single(h.Alerts());
        Assert.Equal((AlertState.Pending, Ns(0), (long?)null, (long?)null), (a.State, a.ActiveAt, a.FiredAt, a.ResolvedAt));
        Assert.Equal(1, a.Value);

        await h.EvalAsync(30);
        a = Assert.Single(h.Alerts());
        Assert.Equal((AlertState.Firing, Ns(0), (long?)Ns(30)), (a.State, a.ActiveAt, a.FiredAt));

        await h.EvalAsync(45); // vanished: kept firing since 45
        a = Assert.Single(h.Alerts());
        Assert.Equal((AlertState.Firing, (long?)Ns(45), 1.0), (a.State, a.KeepFiringSince, a.Value));

        await h.EvalAsync(75); // 30 s kept: resolved
        a = Assert.Single(h.Alerts());
        Assert.Equal((AlertState.Inactive, (long?)Ns(75), (long?)Ns(30)), (a.State, a.ResolvedAt, a.FiredAt));

        await h.EvalAsync(105); // back: a new alert, active from now, with the new value
        a = Assert.Single(h.Alerts());
        Assert.Equal((AlertState.Pending, Ns(105), (long?)null, (long?)null, 7.0), (a.State, a.ActiveAt, a.FiredAt, a.ResolvedAt, a.Value));
    }

    [Fact]
    public async Task Value_and_annotations_follow_the_latest_evaluation()
    {
        var rule = new AlertingRule("X", Q("x > 0"), TimeSpan.FromMinutes(5), annotations: [new("summary", "s")]);
        var h = new RuleHarness(Group(TimeSpan.FromSeconds(15), rule));
        h.Load("x 1 2 3", TimeSpan.FromSeconds(15));
        await h.EvalAsync(0);
        await h.EvalAsync(30);
        var a = Assert.Single(h.Alerts());
        Assert.Equal((3.0, Ns(0)), (a.Value, a.ActiveAt));
        Assert.Equal([new("summary", "s")], a.Annotations);
    }

    [Fact]
    public async Task Labels_are_the_series_without_its_name_plus_rule_labels_and_alertname()
    {
        var rule = new AlertingRule("X", Q("x > 0"), labels: [new("severity", "page"), new("job", "overridden"), new("instance", "")]);
        var h = new RuleHarness(Group(TimeSpan.FromSeconds(15), rule));
        h.Load("x{job=\"a\", instance=\"i\", zone=\"z\"} 1", TimeSpan.FromSeconds(15));
        await h.EvalAsync(0);
        var a = Assert.Single(h.Alerts());
        Assert.Equal("{alertname=\"X\", job=\"overridden\", severity=\"page\", zone=\"z\"}", a.Labels.ToString());
    }

    [Fact]
    public async Task A_scalar_result_is_one_alert_with_only_its_name()
    {
        var h = new RuleHarness(Group(TimeSpan.FromSeconds(15), new AlertingRule("S", Q("scalar(vector(4))"))));
        await h.EvalAsync(0);
        var a = Assert.Single(h.Alerts());
        Assert.Equal(("{alertname=\"S\"}", 4.0), (a.Labels.ToString(), a.Value));
    }

    [Fact]
    public async Task Rule_state_is_the_highest_alert_state_and_unknown_before_the_first_evaluation()
    {
        var rule = new AlertingRule("X", Q("x > 0"), TimeSpan.FromSeconds(15));
        var h = new RuleHarness(Group(TimeSpan.FromSeconds(15), rule));
        h.Load("x{i=\"1\"} 1 1 1 0", TimeSpan.FromSeconds(15));
        h.Load("x{i=\"2\"} 0 1 1 0", TimeSpan.FromSeconds(15));
        Assert.Equal(AlertState.Unknown, h.Status().State);
        Assert.Equal(RuleHealth.Unknown, h.Status().Health);
        await h.EvalAsync(0);
        Assert.Equal(AlertState.Pending, h.Status().State);
        await h.EvalAsync(15);
        Assert.Equal(AlertState.Firing, h.Status().State);
        Assert.Equal(2, h.Status().Alerts.Count);
        await h.EvalAsync(45);

        // Resolved alerts count for the state but are not listed as active.
        Assert.Equal(AlertState.Inactive, h.Status().State);
        Assert.Empty(h.Status().Alerts);
        Assert.Single(h.Alerts());
    }

    private static List<string> Expand(string states) =>
        [.. states.Split(' ').SelectMany(t => t.Contains('*', StringComparison.Ordinal)
            ? Enumerable.Repeat(t[..t.IndexOf('*', StringComparison.Ordinal)], int.Parse(t[(t.IndexOf('*', StringComparison.Ordinal) + 1)..], System.Globalization.CultureInfo.InvariantCulture))
            : [t])];
}
