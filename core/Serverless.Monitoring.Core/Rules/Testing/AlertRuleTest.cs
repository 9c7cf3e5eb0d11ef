namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// One entry of <c>alert_rule_test</c>: the alerts named <see cref="AlertName"/> expected to be
/// firing at <see cref="EvalTime"/> (across every rule of that name); none means none firing.
/// </summary>
public sealed record AlertRuleTest
{
    /// <summary><c>eval_time</c>: time since 0 at which the firing alerts are compared.</summary>
    public TimeSpan EvalTime { get; init; }

    /// <summary><c>alertname</c>; required (empty is an error when the test runs, as upstream).</summary>
    public string AlertName { get; init; } = string.Empty;

    /// <summary><c>exp_alerts</c>.</summary>
    public IReadOnlyList<ExpectedAlert> ExpectedAlerts { get; init; } = [];
}
