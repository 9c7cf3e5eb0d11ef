namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// Checks that <paramref name="text"/> (a label value or annotation of an alerting rule) parses as
/// a template named <paramref name="templateName"/> (<c>__alert_&lt;alert name&gt;</c>), as
/// upstream's <c>testTemplateParsing</c> does; null when it does, else the reason in upstream's
/// words, e.g. <c>template: __alert_HighLoad:1: unclosed action</c>.
/// </summary>
public delegate string? RuleTemplateValidator(string templateName, string text);
