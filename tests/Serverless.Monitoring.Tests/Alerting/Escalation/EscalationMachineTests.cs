using System.Globalization;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Escalation;

namespace Serverless.Monitoring.Tests.Alerting.Escalation;

/// <summary>
/// The escalation's decisions over scripted timelines. A script is a list of events at minutes
/// after the start: <c>tick</c> (advance to then), <c>ack</c>, <c>resolve</c>, <c>new</c> (a new
/// firing alert joins the group). The expected outcome lists every level reached as
/// <c>run.level@minute</c> (<c>!</c> after a level passed over outside its active intervals), then
/// the final status.
/// </summary>
public sealed class EscalationMachineTests
{
    private static readonly DateTimeOffset T0 = new(2026, 12, 7, 9, 0, 0, TimeSpan.Zero);

    // Levels at 0, 10m and 15m; one repeat (a run lasts 15m + 5m = 20m); acknowledgements hold 30m.
    private static EscalationChain Policy(bool restart = true, Func<DateTimeOffset, bool>? thirdActive = null) => new(
        new EscalationPolicy
        {
            Name = "db-oncall",
            Levels =
            [
                new EscalationLevel { Receivers = ["slack-db"] },
                new EscalationLevel { After = TimeSpan.FromMinutes(10), Receivers = ["pagerduty-primary"] },
                new EscalationLevel { After = TimeSpan.FromMinutes(15), Receivers = ["pagerduty-secondary"], ActiveTimeIntervals = thirdActive is null ? [] : ["early"] },
            ],
            Repeat = 1,
            AckTimeout = TimeSpan.FromMinutes(30),
            RestartOnNewAlert = restart,
        },
        (names, at) => Assert.Single(names) == "early" && thirdActive!(at));

    public static TheoryData<string, string, string> Timelines() => new()
    {
        // Nobody answers: every level of both runs, then it waits.
        { "nobody acknowledges", "tick 0, tick 9, tick 10, tick 15, tick 20, tick 30, tick 35, tick 300", "0.0@0 0.1@10 0.2@15 1.0@20 1.1@30 1.2@35 Exhausted" },
        // Acknowledged before the second level: nothing until the ack expires at 35, then level 0 again and on.
        { "ack before the timeout", "tick 0, ack 5, tick 20, tick 34, tick 35, tick 45", "0.0@0 0.0@35 0.1@45 Active" },
        // Acknowledged after the second level: on expiry the second level is told again, the third 5m later.
        { "ack expiry resumes at the level reached", "tick 0, tick 10, ack 12, tick 41, tick 42, tick 47", "0.0@0 0.1@10 0.1@42 0.2@47 Active" },
        // Resolved: nothing more, ever.
        { "resolve ends it", "tick 0, tick 10, resolve 11, tick 15, tick 300", "0.0@0 0.1@10 Resolved" },
        // A new alert in an acknowledged group starts the chain again at once.
        { "new alert restarts an acknowledged one", "tick 0, ack 3, new 7, tick 7, tick 17", "0.0@0 0.0@7 0.1@17 Active" },
        // A new alert while climbing changes nothing: the climb goes on.
        { "new alert while active", "tick 0, new 4, tick 10", "0.0@0 0.1@10 Active" },
        // Exhausted, then a new alert: from the first level again.
        { "new alert restarts an exhausted one", "tick 0, tick 10, tick 15, tick 20, tick 30, tick 35, new 50, tick 50", "0.0@0 0.1@10 0.2@15 1.0@20 1.1@30 1.2@35 0.0@50 Active" },
        // A host that was down: the overdue levels are reached at once, each once, and no run is replayed.
        { "overdue levels at once", "tick 0, tick 16, tick 20", "0.0@0 0.1@16 0.2@16 1.0@20 Active" },
        { "long outage", "tick 0, tick 180, tick 189, tick 190", "0.0@0 0.1@180 0.2@180 1.0@180 1.1@190 Active" },
    };

    [Theory]
    [MemberData(nameof(Timelines))]
    public void Timeline(string name, string script, string expected)
    {
        Assert.NotEmpty(name);
        Assert.Equal(expected, Run(Policy(), script));
    }

    [Fact]
    public void Without_restart_a_new_alert_keeps_the_acknowledgement() =>
        Assert.Equal("0.0@0 Acknowledged", Run(Policy(restart: false), "tick 0, ack 3, new 7, tick 7, tick 20"));

    [Fact]
    public void A_level_outside_its_active_intervals_is_passed_over()
    {
        // The third level is active only in the first 20 minutes after the hour.
        var policy = Policy(thirdActive: t => t.Minute < 20);
        Assert.Equal("0.0@0 0.1@10 0.2@15 1.0@20 1.1@30 1.2!@35 Exhausted", Run(policy, "tick 0, tick 10, tick 15, tick 20, tick 30, tick 35"));
    }

    [Fact]
    public void An_ended_escalation_cannot_be_acknowledged()
    {
        var policy = Policy();
        var state = EscalationMachine.Start(policy, "{}:{alertname=\"A\"}", "slack-db", [1], T0);
        state = EscalationMachine.AlertsChanged(policy, state, [], T0);
        Assert.Throws<InvalidOperationException>(() => EscalationMachine.Acknowledge(policy, state, "ann", "", T0));
    }

    [Fact]
    public void Acknowledgement_records_who_and_until_when()
    {
        var policy = Policy();
        var state = EscalationMachine.Start(policy, "{}:{alertname=\"A\"}", "slack-db", [1], T0);
        state = EscalationMachine.Acknowledge(policy, state, "ann", "on it", T0.AddMinutes(2));
        Assert.Equal(new Acknowledgement("ann", "on it", T0.AddMinutes(2), T0.AddMinutes(32)), state.Acknowledgement);
        Assert.Equal(T0.AddMinutes(32), state.NextDue);
    }

    [Fact]
    public void Ids_are_stable_per_group_and_receiver()
    {
        Assert.Equal(EscalationMachine.IdFor("g", "r"), EscalationMachine.IdFor("g", "r"));
        Assert.NotEqual(EscalationMachine.IdFor("g", "r"), EscalationMachine.IdFor("g", "s"));
        Assert.NotEqual(EscalationMachine.IdFor("g", "r"), EscalationMachine.IdFor("h", "r"));
        Assert.Matches("^[0-9a-f]{20}$", EscalationMachine.IdFor("g", "r"));
    }

    /// <summary>Plays a script; returns the levels reached and the final status.</summary>
    private static string Run(EscalationChain policy, string script)
    {
        var state = EscalationMachine.Start(policy, "{}/{severity=\"page\"}:{alertname=\"DbDown\"}", "slack-db", [1], T0);
        var firing = new List<ulong> { 1 };
        var reached = new List<string>();
        foreach (var item in script.Split(", "))
        {
            var parts = item.Split(' ');
            var at = T0.AddMinutes(int.Parse(parts[1], CultureInfo.InvariantCulture));
            switch (parts[0])
            {
                case "tick":
                    (state, var steps) = EscalationMachine.Advance(policy, state, at);
                    reached.AddRange(steps.Select(s => string.Create(CultureInfo.InvariantCulture,
                        $"{s.Run}.{s.Level}{(s.Skipped ? "!" : "")}@{(s.At - T0).TotalMinutes}")));
                    break;
                case "ack":
                    state = EscalationMachine.Acknowledge(policy, state, "ann", "looking", at);
                    break;
                case "resolve":
                    firing.Clear();
                    state = EscalationMachine.AlertsChanged(policy, state, firing, at);
                    break;
                case "new":
                    firing.Add((ulong)firing.Count + 100);
                    state = EscalationMachine.AlertsChanged(policy, state, firing, at);
                    break;
                default:
                    throw new ArgumentException(item);
            }
        }

        return string.Join(' ', reached.Append(state.Status.ToString()));
    }
}
