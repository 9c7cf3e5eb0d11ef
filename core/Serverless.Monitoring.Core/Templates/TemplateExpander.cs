using System.Collections.Concurrent;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// Prometheus's template expander (<c>template.Expander</c> and the alerting rule's use of it):
/// text templates with <see cref="PrometheusFunctions"/> and <c>missingkey=zero</c>, errors
/// wrapped as upstream wraps them. Parsed templates are cached by name and text, so a rule's
/// labels and annotations are parsed once and executed at every evaluation. Thread-safe.
/// </summary>
public sealed class TemplateExpander
{
    /// <summary>
    /// What Prometheus prepends to every alerting-rule label and annotation template, so that
    /// <c>$labels</c>, <c>$externalLabels</c>, <c>$externalURL</c> and <c>$value</c> exist.
    /// (Error columns on the first line count it, as upstream's do.)
    /// </summary>
    public const string AlertPrelude = "{{$labels := .Labels}}{{$externalLabels := .ExternalLabels}}{{$externalURL := .ExternalURL}}{{$value := .Value}}";

    private const int CacheLimit = 10_000;

    private readonly ConcurrentDictionary<(string Name, string Text), Compiled> _cache = new();
    private readonly Counter? _expansions;
    private readonly Counter? _failures;

    /// <summary>Creates an expander; with <paramref name="metrics"/>, it counts expansions as upstream does.</summary>
    /// <param name="metrics">Registers <c>prometheus_template_text_expansions_total</c> and <c>prometheus_template_text_expansion_failures_total</c>.</param>
    public TemplateExpander(MetricRegistry? metrics = null)
    {
        _expansions = metrics?.CreateCounter("prometheus_template_text_expansions_total", "The total number of template text expansions.");
        _failures = metrics?.CreateCounter("prometheus_template_text_expansion_failures_total", "The total number of template text expansion failures.");
    }

    /// <summary>A shared expander without metrics.</summary>
    public static TemplateExpander Default { get; } = new();

    /// <summary>
    /// Go's <c>NewTemplateExpander(…).Expand()</c>: parses <paramref name="text"/> as the template
    /// <paramref name="name"/> and runs it over <paramref name="data"/>.
    /// </summary>
    /// <returns>The text, or false with upstream's error: <c>error parsing template NAME: …</c> or <c>error executing template NAME: …</c>.</returns>
    public bool TryExpand(string name, string text, object? data, PrometheusTemplateState state, out string result, out string? error)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(text);
        _expansions?.Inc();
        var compiled = Compile(name, text);
        error = null;
        if (compiled.ParseError is not null)
        {
            result = string.Empty;
            error = $"error parsing template {name}: {compiled.ParseError}";
            _failures?.Inc();
            return false;
        }

        try
        {
            result = compiled.Template!.Execute(data, state);
            return true;
        }
        catch (TemplateExecutionException e)
        {
            result = string.Empty;
            error = $"error executing template {name}: {e.Message}";
            _failures?.Inc();
            return false;
        }
    }

    /// <summary><see cref="TryExpand"/>, throwing <see cref="TemplateExpansionException"/> with upstream's message.</summary>
    public string Expand(string name, string text, object? data, PrometheusTemplateState state) =>
        TryExpand(name, text, data, state, out var result, out var error) ? result : throw new TemplateExpansionException(error!);

    /// <summary>
    /// Expands one label value or annotation of alerting rule <paramref name="alertName"/>, as the
    /// rule does at each evaluation: the prelude before the text, template name
    /// <c>__alert_NAME</c>, and on failure the text <c>&lt;error expanding template: …&gt;</c> in
    /// place of the value (with <paramref name="error"/> set, for the log).
    /// </summary>
    public string ExpandAlert(string alertName, string text, AlertTemplateData data, PrometheusTemplateState state, out string? error)
    {
        ArgumentNullException.ThrowIfNull(alertName);
        ArgumentNullException.ThrowIfNull(text);
        return TryExpand(AlertTemplateName(alertName), AlertPrelude + text, data, state, out var result, out error)
            ? result
            : $"<error expanding template: {error}>";
    }

    /// <summary>
    /// Checks that a label value or annotation of alerting rule <paramref name="alertName"/>
    /// parses, as the rule-file parser does (<c>rulefmt</c>'s template check): null when it does,
    /// else Go's parse error, e.g. <c>template: __alert_HighLoad:1: function "humanise" not defined</c>
    /// (upstream then reports it as <c>annotation "summary": …</c>).
    /// </summary>
    public static string? Validate(string alertName, string text)
    {
        ArgumentNullException.ThrowIfNull(alertName);
        ArgumentNullException.ThrowIfNull(text);
        return Default.Compile(AlertTemplateName(alertName), AlertPrelude + text).ParseError;
    }

    /// <summary><see cref="Validate(string, string)"/> for a template not tied to a rule name.</summary>
    public static string? Validate(string text) => Validate(string.Empty, text);

    /// <summary>The template name upstream gives an alerting rule's templates.</summary>
    public static string AlertTemplateName(string alertName) => "__alert_" + alertName;

    private Compiled Compile(string name, string text)
    {
        if (_cache.TryGetValue((name, text), out var compiled))
        {
            return compiled;
        }

        try
        {
            compiled = new Compiled(Template.Parse(name, text, PrometheusFunctions.Table, MissingKeyOption.Zero), null);
        }
        catch (TemplateParseException e)
        {
            compiled = new Compiled(null, e.Message);
        }

        if (_cache.Count >= CacheLimit)
        {
            _cache.Clear();
        }

        _cache.TryAdd((name, text), compiled);
        return compiled;
    }

    private sealed record Compiled(Template? Template, string? ParseError);
}

/// <summary>A template that failed to expand; the message is upstream's (<c>error executing template NAME: …</c>).</summary>
public sealed class TemplateExpansionException : Exception
{
    public TemplateExpansionException()
    {
    }

    public TemplateExpansionException(string message)
        : base(message)
    {
    }

    public TemplateExpansionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
