using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// When a test group evaluates and when it compares, as promtool computes it: the groups run at
/// every evaluation interval from 0 to the largest <c>eval_time</c> of the group's tests (both
/// included); an alert test is compared right after the evaluation at or before its
/// <c>eval_time</c>, the last with <c>ts ≤ eval_time &lt; ts + interval</c>; a query test runs after
/// all evaluations, at its own <c>eval_time</c>. All times are Unix nanoseconds from 0.
/// </summary>
public static class RuleTestTimes
{
    /// <summary>The largest <c>eval_time</c> of <paramref name="group"/>'s alert and query tests; zero without tests.</summary>
    public static TimeSpan MaxEvalTime(RuleTestGroup group)
    {
        ArgumentNullException.ThrowIfNull(group);
        return group.AlertRuleTests.Select(t => t.EvalTime)
            .Concat(group.PromqlExprTests.Select(t => t.EvalTime))
            .DefaultIfEmpty(TimeSpan.Zero)
            .Max();
    }

    /// <summary>The evaluation times: 0, <paramref name="interval"/>, 2 × <paramref name="interval"/>, … up to <paramref name="maxEvalTime"/> included.</summary>
    public static IEnumerable<long> EvaluationTimes(TimeSpan maxEvalTime, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var step = RuleTime.ToNanos(interval);
        var end = RuleTime.ToNanos(maxEvalTime);
        for (var ts = 0L; ts <= end; ts += step)
        {
            yield return ts;
        }
    }

    /// <summary>True when an alert test at <paramref name="evalTime"/> is compared after the evaluation at <paramref name="evaluationNanos"/>.</summary>
    public static bool IsComparedAt(TimeSpan evalTime, long evaluationNanos, TimeSpan interval)
    {
        var t = RuleTime.ToNanos(evalTime);
        return evaluationNanos <= t && t < evaluationNanos + RuleTime.ToNanos(interval);
    }

    /// <summary>The evaluation an alert test at <paramref name="evalTime"/> is compared after.</summary>
    public static long ComparedAt(TimeSpan evalTime, TimeSpan interval)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(interval, TimeSpan.Zero);
        var t = RuleTime.ToNanos(evalTime);
        return t - (t % RuleTime.ToNanos(interval));
    }
}
