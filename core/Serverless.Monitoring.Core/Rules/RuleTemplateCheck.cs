namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// The one place where rule files' templates are checked, for the server and the <c>check</c>
/// commands alike. Upstream parses each label value and annotation of an alerting rule with
/// Go's text/template, Prometheus's template functions and the variables <c>$labels</c>,
/// <c>$externalLabels</c>, <c>$externalURL</c> and <c>$value</c> defined, and reports
/// <c>template: __alert_NAME:LINE: reason</c>; so do we, with the one template engine (<c>Templates/</c>).
/// </summary>
public static class RuleTemplateCheck
{
    /// <summary>A <see cref="RuleTemplateValidator"/>: null when the template parses, else why not.</summary>
    public static string? Validate(string templateName, string text)
    {
        ArgumentNullException.ThrowIfNull(templateName);
        ArgumentNullException.ThrowIfNull(text);
        const string prefix = "__alert_";
        var alertName = templateName.StartsWith(prefix, StringComparison.Ordinal) ? templateName[prefix.Length..] : templateName;
        return Templates.TemplateExpander.Validate(alertName, text);
    }
}
