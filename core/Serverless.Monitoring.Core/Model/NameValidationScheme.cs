namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// Which label and metric names are allowed (Prometheus's <c>metric_name_validation_scheme</c>):
/// any valid UTF-8 (the Prometheus 3 default) or the legacy <c>[a-zA-Z_][a-zA-Z0-9_]*</c> set.
/// </summary>
public enum NameValidationScheme
{
    /// <summary>Any non-empty valid UTF-8 name (<c>utf8</c>).</summary>
    Utf8,

    /// <summary>Only <c>[a-zA-Z_][a-zA-Z0-9_]*</c> label names (<c>legacy</c>).</summary>
    Legacy,
}

/// <summary>Checks names under a <see cref="NameValidationScheme"/>.</summary>
public static class NameValidationSchemeExtensions
{
    /// <summary>True when <paramref name="name"/> is a valid label name under <paramref name="scheme"/>.</summary>
    public static bool IsValidLabelName(this NameValidationScheme scheme, string name) => scheme switch
    {
        NameValidationScheme.Legacy => LabelValidation.IsValidLegacyLabelName(name),
        _ => LabelValidation.IsValidLabelName(name),
    };

    /// <summary>True when <paramref name="name"/> is a valid metric name under <paramref name="scheme"/>.</summary>
    public static bool IsValidMetricName(this NameValidationScheme scheme, string name) => scheme switch
    {
        NameValidationScheme.Legacy => LabelValidation.IsValidLegacyMetricName(name),
        _ => LabelValidation.IsValidMetricName(name),
    };

    /// <summary>The configuration spelling: <c>utf8</c> or <c>legacy</c>.</summary>
    public static string ToConfigString(this NameValidationScheme scheme) =>
        scheme == NameValidationScheme.Legacy ? "legacy" : "utf8";
}
