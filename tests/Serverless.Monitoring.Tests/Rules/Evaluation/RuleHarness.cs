using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>
/// Runs a group as a host would, without one: evaluations at given seconds, the wall clock set to
/// the slot, every output sample written back into an in-memory storage (as the bus would).
/// </summary>
internal sealed class RuleHarness
{
    public RuleHarness(RuleGroup group, RuleEvaluationOptions? options = null, bool restoreForState = false, InMemorySeriesSource? storage = null)
    {
        Storage = storage ?? new InMemorySeriesSource();
        Clock = new FrozenClock();
        Options = (options ?? DefaultOptions()) with { TimeProvider = Clock };
        Evaluator = RuleGroupEvaluator.Start(group, Options, restoreForState);
    }

    public InMemorySeriesSource Storage { get; }

    public FrozenClock Clock { get; }

    public RuleEvaluationOptions Options { get; }

    public RuleGroupEvaluator Evaluator { get; set; }

    /// <summary>Every evaluation's output, in order.</summary>
    public List<RuleGroupEvaluation> Results { get; } = [];

    /// <summary>When false, outputs are not written back into <see cref="Storage"/>.</summary>
    public bool WriteBack { get; set; } = true;

    public static RuleEvaluationOptions DefaultOptions() => new() { TemplateExpander = LiteralTemplateExpander.Instance };

    public static long Ns(double seconds) => (long)Math.Round(seconds * 1e9);

    public static Expr Q(string query) => Parser.ParseExpr(query);

    public static RuleGroup Group(TimeSpan interval, params Rule[] rules) => new("g", "rules.yml", interval, rules);

    /// <summary>promtool's <c>input_series</c>: a series description, one value per <paramref name="step"/> from 0.</summary>
    public void Load(string description, TimeSpan step)
    {
        var (labels, values) = SeriesDescription.Parse(description);
        for (var i = 0; i < values.Count; i++)
        {
            if (!values[i].Omitted)
            {
                Storage.Add(labels, (long)(i * step.TotalMilliseconds), values[i].Value);
            }
        }
    }

    /// <summary>Evaluates at <paramref name="seconds"/> (the wall clock set there too).</summary>
    public async Task<RuleGroupEvaluation> EvalAsync(double seconds)
    {
        Clock.Now = RuleTime.ToDateTimeOffset(Ns(seconds));
        var result = await Evaluator.EvaluateAsync(Ns(seconds), Storage);
        Results.Add(result);
        if (WriteBack)
        {
            Write(result.Samples);
        }

        return result;
    }

    public void Write(IEnumerable<SeriesSamples> samples)
    {
        foreach (var s in samples)
        {
            foreach (var p in s.Samples)
            {
                Storage.Add(s.Labels, p.TimestampMs, p.Value);
            }
        }
    }

    /// <summary>Every alert the rule holds (resolved ones kept included), from the exported state.</summary>
    public IReadOnlyList<Alert> Alerts(int ruleIndex = 0) => Evaluator.ExportState().Rules[ruleIndex].Alerts;

    public RuleStatus Status(int ruleIndex = 0) => Evaluator.GetStatus().Rules[ruleIndex];
}

/// <summary>A wall clock that moves only when told to (durations measured with it are exact).</summary>
internal sealed class FrozenClock : TimeProvider
{
    public DateTimeOffset Now { get; set; } = DateTimeOffset.UnixEpoch;

    public override long TimestampFrequency => TimeSpan.TicksPerSecond;

    public override DateTimeOffset GetUtcNow() => Now;

    public override long GetTimestamp() => Now.UtcTicks;
}

/// <summary>Leaves templates as written: for tests that are not about templates.</summary>
internal sealed class LiteralTemplateExpander : IAlertTemplateExpander
{
    public static LiteralTemplateExpander Instance { get; } = new();

    public ValueTask<string> ExpandAsync(AlertTemplateRequest request, CancellationToken cancellationToken) => ValueTask.FromResult(request.Text);
}
