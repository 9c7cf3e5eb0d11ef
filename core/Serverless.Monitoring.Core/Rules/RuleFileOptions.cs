using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>How rule files are checked: the template check, the name rules and the PromQL parser settings.</summary>
public sealed record RuleFileOptions
{
    /// <summary>
    /// Checks each label value and annotation of an alerting rule (upstream's
    /// <c>testTemplateParsing</c>); <see cref="RuleTemplateCheck.Validate"/> outside tests.
    /// </summary>
    public required RuleTemplateValidator ValidateTemplate { get; init; }

    /// <summary>Which metric and label names are valid: UTF-8 (Prometheus 3's default) or legacy.</summary>
    public NameValidationScheme NameValidationScheme { get; init; } = NameValidationScheme.Utf8;

    /// <summary>The PromQL parser settings every <c>expr</c> must parse with.</summary>
    public ParserOptions PromQL { get; init; } = ParserOptions.Default;

    /// <summary>The options the server loads <paramref name="config"/>'s rule files with: its name validation scheme, upstream's template check.</summary>
    public static RuleFileOptions For(PrometheusConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return new RuleFileOptions
        {
            ValidateTemplate = RuleTemplateCheck.Validate,
            NameValidationScheme = config.Global.MetricNameValidationScheme,
        };
    }
}
