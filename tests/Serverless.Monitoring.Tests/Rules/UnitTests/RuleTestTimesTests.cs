using Serverless.Monitoring.Core.Rules.Testing;

namespace Serverless.Monitoring.Tests.Rules.UnitTests;

/// <summary>The runner's time arithmetic: which evaluations run, and after which one each alert test is compared.</summary>
public sealed class RuleTestTimesTests
{
    private const long S = 1_000_000_000;

    /// <summary>Largest eval_time (ms), evaluation interval (ms), the evaluation times (s).</summary>
    public static TheoryData<long, long, double[]> Evaluations() => new()
    {
        { 0, 60_000, [0] },
        { 60_000, 60_000, [0, 60] },
        { 90_000, 60_000, [0, 60] },
        { 119_999, 60_000, [0, 60] },
        { 120_000, 60_000, [0, 60, 120] },
        { 50_500, 10_000, [0, 10, 20, 30, 40, 50] },
        { 1_000, 300, [0, 0.3, 0.6, 0.9] },
    };

    [Theory]
    [MemberData(nameof(Evaluations))]
    public void Groups_run_from_0_to_the_largest_eval_time(long maxMs, long intervalMs, double[] seconds)
    {
        var times = RuleTestTimes.EvaluationTimes(TimeSpan.FromMilliseconds(maxMs), TimeSpan.FromMilliseconds(intervalMs));
        Assert.Equal(seconds.Select(s => (long)Math.Round(s * S)), times);
    }

    /// <summary>eval_time (ms), interval (ms), the evaluation (s) it is compared after.</summary>
    public static TheoryData<long, long, long> Comparisons() => new()
    {
        { 0, 60_000, 0 },
        { 59_999, 60_000, 0 },
        { 60_000, 60_000, 60 },
        { 90_000, 60_000, 60 },
        { 119_999, 60_000, 60 },
        { 120_000, 30_000, 120 },
        { 50_500, 10_000, 50 },
    };

    [Theory]
    [MemberData(nameof(Comparisons))]
    public void An_alert_test_is_compared_after_the_evaluation_at_or_before_it(long evalMs, long intervalMs, long evaluationSeconds)
    {
        var evalTime = TimeSpan.FromMilliseconds(evalMs);
        var interval = TimeSpan.FromMilliseconds(intervalMs);
        Assert.Equal(evaluationSeconds * S, RuleTestTimes.ComparedAt(evalTime, interval));

        // Exactly one evaluation of the group compares it, and it is that one.
        var comparing = RuleTestTimes.EvaluationTimes(evalTime, interval).Where(ts => RuleTestTimes.IsComparedAt(evalTime, ts, interval)).ToList();
        Assert.Equal([evaluationSeconds * S], comparing);
    }

    [Fact]
    public void The_largest_eval_time_counts_queries_too()
    {
        var group = new RuleTestGroup
        {
            AlertRuleTests = [new AlertRuleTest { EvalTime = TimeSpan.FromMinutes(1) }, new AlertRuleTest { EvalTime = TimeSpan.FromMinutes(3) }],
            PromqlExprTests = [new PromqlExprTest { EvalTime = TimeSpan.FromMinutes(10) }],
        };
        Assert.Equal(TimeSpan.FromMinutes(10), RuleTestTimes.MaxEvalTime(group));
        Assert.Equal(TimeSpan.FromMinutes(3), RuleTestTimes.MaxEvalTime(group with { PromqlExprTests = [] }));
        Assert.Equal(TimeSpan.Zero, RuleTestTimes.MaxEvalTime(new RuleTestGroup()));
    }

    [Fact]
    public void A_zero_interval_is_refused()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => RuleTestTimes.EvaluationTimes(TimeSpan.FromMinutes(1), TimeSpan.Zero).ToList());
        Assert.Throws<ArgumentOutOfRangeException>(() => RuleTestTimes.ComparedAt(TimeSpan.FromMinutes(1), TimeSpan.Zero));
    }
}
