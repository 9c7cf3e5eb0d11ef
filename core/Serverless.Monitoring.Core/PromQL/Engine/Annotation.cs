namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Whether an annotation is a warning or an info (upstream's <c>PromQLWarning</c> / <c>PromQLInfo</c>).</summary>
public enum AnnotationSeverity
{
    /// <summary>The result may be wrong or incomplete.</summary>
    Warning,

    /// <summary>A hint about the query or the data.</summary>
    Info,
}

/// <summary>
/// A warning or info raised while evaluating (upstream's util/annotations). <see cref="Message"/> is
/// Prometheus's text without the position; <see cref="Position"/> is the node it points at.
/// </summary>
public sealed record Annotation(AnnotationSeverity Severity, string Message, PositionRange Position)
{
    /// <summary>The text as Prometheus's API gives it for <paramref name="query"/>: the message and "(line:col)".</summary>
    public string Format(string query) => $"{Message} ({Position.StartPosition(query)})";
}
