namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// What running one test file found: warnings (rule-file patterns that match nothing) and
/// failures, each in promtool's words (a failure may span several lines). It passed without failures.
/// </summary>
public sealed record RuleTestResult(IReadOnlyList<string> Warnings, IReadOnlyList<string> Errors)
{
    public bool Passed => Errors.Count == 0;
}
