namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// A recording or alerting rule as written in its file (upstream's <c>rulefmt.Rule</c>); the
/// expression is known to parse with the options it was loaded with.
/// </summary>
public abstract record Rule
{
    /// <summary><c>record</c> (the output metric name) or <c>alert</c> (the alert name).</summary>
    public required string Name { get; init; }

    /// <summary><c>expr</c>: the PromQL expression, as written.</summary>
    public required string Expression { get; init; }

    /// <summary>
    /// <c>labels</c>, sorted by name. Empty values are kept: they remove the label from the output.
    /// On an alerting rule the values are templates.
    /// </summary>
    public IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; } = [];
}
