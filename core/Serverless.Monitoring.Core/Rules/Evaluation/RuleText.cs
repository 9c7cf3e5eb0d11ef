namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>Upstream's strings for states and health, as <c>/api/v1/rules</c> and <c>/api/v1/alerts</c> show them.</summary>
public static class RuleText
{
    /// <summary><c>unknown</c>, <c>inactive</c>, <c>pending</c> or <c>firing</c>.</summary>
    public static string Of(AlertState state) => state switch
    {
        AlertState.Inactive => "inactive",
        AlertState.Pending => "pending",
        AlertState.Firing => "firing",
        _ => "unknown",
    };

    /// <summary><c>unknown</c>, <c>ok</c> or <c>err</c>.</summary>
    public static string Of(RuleHealth health) => health switch
    {
        RuleHealth.Ok => "ok",
        RuleHealth.Err => "err",
        _ => "unknown",
    };
}
