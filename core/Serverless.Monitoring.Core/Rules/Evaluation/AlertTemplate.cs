namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>Constants of upstream's alert template expansion (rules/alerting.go).</summary>
public static class AlertTemplate
{
    /// <summary>What upstream prepends to every label and annotation template before parsing it.</summary>
    public const string VariableDefinitions =
        "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

    /// <summary>The template name upstream parses a rule's templates under (it appears in error messages).</summary>
    public static string NameFor(string alertName) => "__alert_" + alertName;

    /// <summary>What a label or annotation becomes when its template fails.</summary>
    public static string ErrorText(string message) => "<error expanding template: " + message + ">";
}
