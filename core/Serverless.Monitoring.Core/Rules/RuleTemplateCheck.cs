namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// The one place where rule files' templates are checked, for the server and the <c>check</c>
/// commands alike. Upstream parses each label value and annotation of an alerting rule with
/// Go's text/template, Prometheus's template functions and the variables <c>$labels</c>,
/// <c>$externalLabels</c>, <c>$externalURL</c> and <c>$value</c> defined, and reports
/// <c>template: __alert_NAME:LINE: reason</c>. That engine (<c>Templates/</c>) is written on another
/// branch: until its parse check is called here, every text is accepted, so a template that does
/// not parse is not yet rejected.
/// </summary>
public static class RuleTemplateCheck
{
    /// <summary>A <see cref="RuleTemplateValidator"/>: null when the template parses, else why not.</summary>
    public static string? Validate(string templateName, string text)
    {
        ArgumentNullException.ThrowIfNull(templateName);
        ArgumentNullException.ThrowIfNull(text);
        return null;
    }
}
