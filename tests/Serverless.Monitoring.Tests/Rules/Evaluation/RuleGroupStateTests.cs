using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;
using static Serverless.Monitoring.Tests.Rules.Evaluation.GroupEvaluationTests;
using static Serverless.Monitoring.Tests.Rules.Evaluation.RuleHarness;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>
/// The state between evaluations as JSON: a group rebuilt from its state before every evaluation
/// (as a Durable activity does) behaves exactly as one kept in memory.
/// </summary>
public sealed class RuleGroupStateTests
{
    private static readonly TimeSpan Step = TimeSpan.FromSeconds(15);

    private static RuleGroup Definition() => new(
        "g",
        "rules.yml",
        Step,
        [
            new RecordingRule("rec", Q("x > 0")),
            new AlertingRule("A", Q("rec"), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(15), [new("severity", "page")], [new("summary", "s"), new("empty", "")]),
            new AlertingRule("Limited", Q("x != 0"), labels: [new("l", "v")]),
            new RecordingRule("text", Q("\"s\"")),
        ],
        limit: 3);

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_group_rebuilt_from_json_before_every_evaluation_matches_one_kept_in_memory(bool restoreForState)
    {
        var kept = new RuleHarness(Definition(), restoreForState: restoreForState);
        var rebuilt = new RuleHarness(Definition(), restoreForState: restoreForState);
        foreach (var h in new[] { kept, rebuilt })
        {
            h.Load("x{i=\"1\"} 1 1 1 1 0 0 0 1 1 NaN 1 1 1 1", Step);
            h.Load("x{i=\"2\"} 0 1 1 0 1 1 1 1 _ 2 2 2 2 2", Step);
            h.Load("x{i=\"3\"} 0 0 0 0 0 0 1 1 1 1 1 1 1 1", Step);
            h.Load("x{i=\"4\"} 0 0 0 0 0 0 0 0 0 0 1 1 1 1", Step);
        }

        for (var i = 0; i < 14; i++)
        {
            var json = rebuilt.Evaluator.ExportState().ToJson();
            rebuilt.Evaluator = RuleGroupEvaluator.Resume(Definition(), rebuilt.Options, RuleGroupState.FromJson(json));
            Assert.Equal(json, rebuilt.Evaluator.ExportState().ToJson());

            var a = await kept.EvalAsync(i * 15);
            var b = await rebuilt.EvalAsync(i * 15);
            Assert.Equal(Dump(a.Samples), Dump(b.Samples));
            Assert.Equal(a.Alerts, b.Alerts, (x, y) => x.Labels == y.Labels && x.StartsAt == y.StartsAt && x.EndsAt == y.EndsAt && x.Annotations.SequenceEqual(y.Annotations));
            Assert.Equal((a.RuleFailures, a.SamplesReturned, a.RestoredForState), (b.RuleFailures, b.SamplesReturned, b.RestoredForState));
            Assert.Equal(kept.Evaluator.ExportState().ToJson(), rebuilt.Evaluator.ExportState().ToJson());
        }

        // The scenario went through pending, firing, kept firing, resolved, limits and errors.
        var states = kept.Results.SelectMany(r => r.Samples).Select(s => s.Labels.Get("alertstate")).Distinct().ToList();
        Assert.Contains("pending", states);
        Assert.Contains("firing", states);
        Assert.Contains(kept.Results, r => r.RuleFailures == 1);
        Assert.Contains(kept.Results, r => r.RuleFailures == 3); // over the limit
        Assert.Contains(kept.Results, r => r.Alerts.Any(a => a.Labels.Get("alertname") == "A"));
        Assert.Contains(kept.Results, r => r.Alerts.Any(a => a.EndsAt <= r.TimestampUnixNano)); // a resolved one
    }

    [Fact]
    public async Task The_json_holds_every_field_and_nan()
    {
        var h = new RuleHarness(Definition());
        h.Load("x{i=\"1\"} NaN", Step);
        await h.EvalAsync(0);
        var json = h.Evaluator.ExportState().ToJson();
        using var doc = JsonDocument.Parse(json);
        var root = doc.RootElement;
        Assert.Equal(1, root.GetProperty("version").GetInt32());
        Assert.Equal("g", root.GetProperty("name").GetString());
        var alert = root.GetProperty("rules")[2].GetProperty("alerts")[0];
        Assert.Equal("NaN", alert.GetProperty("value").GetString());
        Assert.Equal("Firing", alert.GetProperty("state").GetString());
        Assert.Equal("v", alert.GetProperty("labels").GetProperty("l").GetString());
        Assert.Equal(0, alert.GetProperty("lastSentAt").GetInt64());
        Assert.Equal("ALERTS", root.GetProperty("rules")[2].GetProperty("series")[0].GetProperty("__name__").GetString());
        Assert.Equal("Err", root.GetProperty("rules")[3].GetProperty("health").GetString());
        Assert.Equal("rule result is not a vector or scalar", root.GetProperty("rules")[3].GetProperty("lastError").GetString());
        Assert.True(double.IsNaN(RuleGroupState.FromJson(json).Rules[2].Alerts[0].Value));
    }

    [Fact]
    public async Task The_state_round_trips_through_a_hosts_own_serializer_options()
    {
        var h = new RuleHarness(Definition());
        h.Load("x{i=\"1\"} NaN", Step);
        await h.EvalAsync(0);
        var state = h.Evaluator.ExportState();
        foreach (var options in new[] { new JsonSerializerOptions(), new JsonSerializerOptions(JsonSerializerDefaults.Web) })
        {
            var copy = JsonSerializer.Deserialize<RuleGroupState>(JsonSerializer.Serialize(state, options), options)!;
            Assert.Equal(state.ToJson(), copy.ToJson());
        }
    }

    [Fact]
    public void Annotations_keep_empty_values_and_order()
    {
        var alert = new Alert
        {
            Labels = LabelSet.FromStrings("alertname", "A"),
            Annotations = [new("b", ""), new("a", "x")],
            State = AlertState.Pending,
            Value = double.PositiveInfinity,
            ActiveAt = 1,
        };
        var state = new RuleGroupState
        {
            Name = "g",
            File = "f",
            Fingerprint = "0",
            Rules = [new RuleState { Key = "A{}", Alerts = [alert] }],
            StaleSeries = [LabelSet.FromStrings("__name__", "gone")],
        };
        var copy = RuleGroupState.FromJson(state.ToJson());
        Assert.Equal(alert.Annotations, copy.Rules[0].Alerts[0].Annotations);
        Assert.Equal(double.PositiveInfinity, copy.Rules[0].Alerts[0].Value);
        Assert.Equal(state.StaleSeries, copy.StaleSeries);
    }

    [Fact]
    public void Another_version_is_refused()
    {
        var json = new RuleGroupState { Name = "g", File = "f", Fingerprint = "0", Rules = [], Version = 2 }.ToJson();
        Assert.Throws<JsonException>(() => RuleGroupState.FromJson(json));
        Assert.Throws<JsonException>(() => RuleGroupState.FromJson("{\"name\":\"g\"}"));
    }
}
