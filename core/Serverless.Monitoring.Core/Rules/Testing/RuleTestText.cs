using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// The failure texts of promtool 2.42's <c>test rules</c>, word for word: each is one entry of the
/// <c>FAILED:</c> list (several lines for a mismatch). Times of tests print as Prometheus durations
/// (<c>1m30s</c>), times of evaluations as Go's <c>time.Duration</c> (<c>1m30s</c>, <c>1h0m0s</c>).
/// </summary>
internal static class RuleTestText
{
    /// <summary>Upstream's <c>indentLines</c>: every line after the first gets <paramref name="indent"/>.</summary>
    public static string IndentLines(string lines, string indent) => lines.Replace("\n", "\n" + indent, StringComparison.Ordinal);

    public static string RuleError(string rule, long evaluationNanos, string error) =>
        $"    rule: {rule}, time: {GoDuration.Format(evaluationNanos)}, err: {error}";

    public static string MissingAlertName(TimeSpan evalTime, string testName) =>
        $"an item under alert_rule_test misses required attribute alertname at eval_time {PrometheusDuration.Format(evalTime)}"
        + (testName.Length > 0 ? $" (in TestGroup {testName})" : string.Empty);

    public static string RepeatedGroup(string name) => $"group name repeated in evaluation order: {name}";

    public static string AlertMismatch(string testName, string alertName, TimeSpan evalTime, IReadOnlyList<ComparedAlert> expected, IReadOnlyList<ComparedAlert> got)
    {
        const string Indent = "            ";
        var name = testName.Length > 0 ? $"    name: {testName},\n" : string.Empty;
        return $"{name}    alertname: {alertName}, time: {PrometheusDuration.Format(evalTime)}, \n"
            + $"        exp:{IndentLines(ComparedAlert.Format(expected), Indent)}, \n"
            + $"        got:{IndentLines(ComparedAlert.Format(got), Indent)}";
    }

    public static string ExprError(string expr, TimeSpan evalTime, string error) =>
        $"    expr: {LabelFormatting.GoQuote(expr)}, time: {PrometheusDuration.Format(evalTime)}, err: {error}";

    public static string LabelsError(string expr, TimeSpan evalTime, string labels, string error) =>
        ExprError(expr, evalTime, $"labels {LabelFormatting.GoQuote(labels)}: {error}");

    public static string ExprMismatch(string expr, TimeSpan evalTime, IReadOnlyList<ComparedSample> expected, IReadOnlyList<ComparedSample> got) =>
        $"    expr: {LabelFormatting.GoQuote(expr)}, time: {PrometheusDuration.Format(evalTime)},\n"
        + $"        exp: {ComparedSample.Format(expected)}\n"
        + $"        got: {ComparedSample.Format(got)}";

    public static string NoMatch(string pattern) => $"  WARNING: no file match pattern {pattern}";
}
