using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>
/// The template check is called where upstream's <c>testTemplateParsing</c> is: for every label
/// value and annotation of alerting rules only, with the template named <c>__alert_NAME</c>; its
/// complaint becomes the rule's problem, placed at the value.
/// </summary>
public sealed class RuleTemplateHookTests
{
    private readonly List<(string Name, string Text)> _checked = [];

    private RuleFileOptions Options => new()
    {
        ValidateTemplate = (name, text) =>
        {
            _checked.Add((name, text));
            return text.Contains("{{ end }}", StringComparison.Ordinal) ? $"template: {name}:1: unexpected {{{{end}}}}" : null;
        },
    };

    [Fact]
    public void Every_label_value_and_annotation_of_an_alerting_rule_is_checked()
    {
        const string yaml = """
            groups:
              - name: g
                labels: {team: "{{ end }}"}
                rules:
                  - alert: HighLoad
                    expr: up
                    labels: {severity: page, owner: "{{ $labels.job }}"}
                    annotations: {summary: "{{ $value }}"}
            """;
        RuleFile.Parse(yaml, "rules.yml", Options);

        // Group labels are not templates upstream.
        Assert.Equal(
            [("__alert_HighLoad", "page"), ("__alert_HighLoad", "{{ $labels.job }}"), ("__alert_HighLoad", "{{ $value }}")],
            _checked);
    }

    [Fact]
    public void Recording_rules_are_not_templated()
    {
        RuleFile.Parse("groups:\n  - name: g\n    rules:\n      - record: x\n        expr: up\n        labels: {a: \"{{ end }}\"}\n", "rules.yml", Options);
        Assert.Empty(_checked);
    }

    [Fact]
    public void A_template_that_does_not_parse_is_the_rules_problem_at_its_value()
    {
        const string yaml = """
            groups:
              - name: g
                rules:
                  - alert: HighLoad
                    expr: up
                    labels:
                      severity: "{{ end }}"
                    annotations:
                      summary: ok
                      description: "x {{ end }}"
            """;
        var ex = Assert.Throws<RuleFileException>(() => RuleFile.Parse(yaml, "rules.yml", Options));
        Assert.Equal(
            [
                "rules.yml:7:21: groups[0].rules[0].labels.severity: group \"g\", rule 1, \"HighLoad\": label \"severity\": template: __alert_HighLoad:1: unexpected {{end}}",
                "rules.yml:10:24: groups[0].rules[0].annotations.description: group \"g\", rule 1, \"HighLoad\": annotation \"description\": template: __alert_HighLoad:1: unexpected {{end}}",
            ],
            ex.Errors.Select(e => e.Message));
    }

    [Fact]
    public void The_server_options_use_the_one_template_check_and_the_configs_name_scheme()
    {
        var options = RuleFileOptions.For(PrometheusConfig.Load("global:\n  metric_name_validation_scheme: legacy\n"));
        Assert.Equal(NameValidationScheme.Legacy, options.NameValidationScheme);
        Assert.Equal(RuleTemplateCheck.Validate, options.ValidateTemplate);
    }

    [Theory]
    [InlineData("{{ end }}", "template: __alert_x:1: unexpected {{end}}")]
    [InlineData("{{ $labels.x ", "template: __alert_x:1: unclosed action")]
    [InlineData("{{ humanise 1 }}", "template: __alert_x:1: function \"humanise\" not defined")]
    [InlineData("{{ $labels.instance }} is {{ $value | humanize }}", null)]
    public void The_template_check_is_the_template_engine_s_parse(string text, string? error)
    {
        var reason = RuleTemplateCheck.Validate("__alert_x", text);
        if (error is null)
        {
            Assert.Null(reason);
        }
        else
        {
            Assert.NotNull(reason);
            Assert.StartsWith(error, reason, StringComparison.Ordinal);
        }
    }
}
