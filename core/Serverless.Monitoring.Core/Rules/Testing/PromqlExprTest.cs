namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// One entry of <c>promql_expr_test</c>: an instant query at <see cref="EvalTime"/> over the
/// input series and everything the rules wrote, and the samples it must return (in any order).
/// </summary>
public sealed record PromqlExprTest
{
    /// <summary><c>expr</c>.</summary>
    public string Expr { get; init; } = string.Empty;

    /// <summary><c>eval_time</c>: time since 0.</summary>
    public TimeSpan EvalTime { get; init; }

    /// <summary><c>exp_samples</c>; none means an empty result.</summary>
    public IReadOnlyList<ExpectedSample> ExpectedSamples { get; init; } = [];
}
