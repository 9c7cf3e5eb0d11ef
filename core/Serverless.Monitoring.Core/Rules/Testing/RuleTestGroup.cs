namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// One entry of <c>tests</c> (upstream's <c>testGroup</c>): input series, the alerts and queries
/// to check against them, and what templates see of the outside.
/// </summary>
public sealed record RuleTestGroup
{
    /// <summary><c>name</c>; empty when absent (failures then carry no name line).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary><c>interval</c>: the step between two values of an input series; zero when absent.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary><c>input_series</c>, in file order.</summary>
    public IReadOnlyList<InputSeries> InputSeries { get; init; } = [];

    /// <summary><c>alert_rule_test</c>, in file order.</summary>
    public IReadOnlyList<AlertRuleTest> AlertRuleTests { get; init; } = [];

    /// <summary><c>promql_expr_test</c>, in file order.</summary>
    public IReadOnlyList<PromqlExprTest> PromqlExprTests { get; init; } = [];

    /// <summary><c>external_labels</c>: what templates see as <c>$externalLabels</c>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ExternalLabels { get; init; } = [];

    /// <summary><c>external_url</c>: what templates see as <c>$externalURL</c>.</summary>
    public string ExternalUrl { get; init; } = string.Empty;

    /// <summary>
    /// The step of the input series: <see cref="Interval"/>, else the evaluation interval, as
    /// Prometheus 3 defaults it (promtool 2.42 used a zero step, which put every value at time 0).
    /// </summary>
    public TimeSpan EffectiveInterval(TimeSpan evaluationInterval) => Interval > TimeSpan.Zero ? Interval : evaluationInterval;
}
