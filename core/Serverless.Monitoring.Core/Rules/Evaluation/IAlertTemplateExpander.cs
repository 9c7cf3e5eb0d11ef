namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// Expands an alerting rule's label and annotation templates (Go <c>text/template</c> with
/// Prometheus's functions). The rule manager calls it only for text containing <c>{{</c>; text
/// without an action renders as itself.
/// </summary>
/// <remarks>
/// Upstream prepends <see cref="AlertTemplate.VariableDefinitions"/> to the text before parsing it
/// under <see cref="AlertTemplateRequest.Name"/>, so <c>$labels</c>, <c>$externalLabels</c>,
/// <c>$externalURL</c> and <c>$value</c> exist and error positions count from that prefix; an
/// implementation should do the same to report errors identically.
/// </remarks>
public interface IAlertTemplateExpander
{
    /// <summary>The expanded text.</summary>
    /// <exception cref="Exception">Expansion failed: the rule manager renders
    /// <c>&lt;error expanding template: {message}&gt;</c> in its place, as upstream.</exception>
    ValueTask<string> ExpandAsync(AlertTemplateRequest request, CancellationToken cancellationToken);
}
