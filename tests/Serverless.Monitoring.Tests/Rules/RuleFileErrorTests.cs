using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules;
using static Serverless.Monitoring.Tests.Rules.RuleTestFiles;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>
/// Each of upstream's checks (Prometheus 3's <c>rulefmt</c>): the problem names the file, the line
/// and column of the offending field, its path, and upstream's reason; a rule's problems carry
/// upstream's <c>group "g", rule N, "name": </c> before the reason.
/// </summary>
public sealed class RuleFileErrorTests
{
    private const string Rule = "groups:\n  - name: g\n    rules:\n      - ";

    public static TheoryData<string, string, int, int, string, string> Mistakes() => new()
    {
        // Decoding (strict, the first problem only, as go-yaml's decoder stops there).
        { "unknown top-level field", "groupz:\n  - name: a\n", 1, 1, "groupz", "field groupz not found in type rulefmt.RuleGroups" },
        { "unknown group field", "groups:\n  - name: a\n    foo: 1\n", 3, 5, "groups[0].foo", "field foo not found in type rulefmt.RuleGroup" },
        { "unknown rule field", Rule + "record: x\n        expr: up\n        bar: 2\n", 6, 9, "groups[0].rules[0].bar", "field bar not found in type rulefmt.Rule" },
        { "a list at the top", "- a\n", 1, 1, "", "cannot unmarshal !!seq into rulefmt.RuleGroups" },
        { "groups not a list", "groups: 3\n", 1, 9, "groups", "cannot unmarshal !!int `3` into []rulefmt.RuleGroup" },
        { "rules not a list", "groups:\n  - name: a\n    rules: {}\n", 3, 12, "groups[0].rules", "cannot unmarshal !!map into []rulefmt.Rule" },
        { "bad interval", "groups:\n  - name: a\n    interval: foo\n", 3, 15, "groups[0].interval", "not a valid duration string: \"foo\"" },
        { "bad query_offset", "groups:\n  - name: a\n    query_offset: 1x\n", 3, 19, "groups[0].query_offset", "not a valid duration string: \"1x\"" },
        { "bad limit", "groups:\n  - name: a\n    limit: abc\n", 3, 12, "groups[0].limit", "cannot unmarshal !!str `abc` into int" },
        { "bad for", Rule + "alert: x\n        expr: up\n        for: 5x\n", 6, 14, "groups[0].rules[0].for", "not a valid duration string: \"5x\"" },
        { "negative for", Rule + "alert: x\n        expr: up\n        for: -5m\n", 6, 14, "groups[0].rules[0].for", "not a valid duration string: \"-5m\"" },
        { "bad keep_firing_for", Rule + "alert: x\n        expr: up\n        keep_firing_for: soon\n", 6, 26, "groups[0].rules[0].keep_firing_for", "not a valid duration string: \"soon\"" },
        { "expression not a string", Rule + "record: x\n        expr: {a: 1}\n", 5, 15, "groups[0].rules[0].expr", "cannot unmarshal !!map into string" },
        { "label value not a string", Rule + "record: x\n        expr: up\n        labels: {a: {b: c}}\n", 6, 21, "groups[0].rules[0].labels.a", "cannot unmarshal !!map into string" },
        { "annotations not a map", Rule + "alert: x\n        expr: up\n        annotations: [a]\n", 6, 22, "groups[0].rules[0].annotations", "cannot unmarshal !!seq into map[string]string" },
        { "a key set twice", "groups:\n  - name: a\n    name: b\n", 3, 5, "groups[0].name", "mapping key \"name\" already defined at line 2" },
        { "a label set twice", Rule + "record: x\n        expr: up\n        labels:\n          a: b\n          a: c\n", 8, 11, "groups[0].rules[0].labels.a", "mapping key \"a\" already defined at line 7" },
        { "not YAML", "groups:\n  - name: a\n   rules: [\n", 3, 4, "", "yaml: While parsing a block collection, did not find expected '-' indicator." },

        // Groups.
        { "empty group name", "groups:\n  - name: \"\"\n", 2, 5, "groups[0].name", "Groupname must not be empty" },
        { "no group name", "groups:\n  - rules: []\n", 2, 5, "groups[0].name", "Groupname must not be empty" },
        { "group name repeated", "groups:\n  - name: a\n  - name: b\n  - name: a\n", 4, 5, "groups[2].name", "groupname: \"a\" is repeated in the same file" },
        { "__name__ as a group label", "groups:\n  - name: a\n    labels: {__name__: x}\n", 3, 14, "groups[0].labels.__name__", "invalid label name: __name__" },
        { "an empty group label name", "groups:\n  - name: a\n    labels: {\"\": x}\n", 3, 14, "groups[0].labels.", "invalid label name: " },

        // Rules.
        { "both record and alert", Rule + "record: x\n        alert: y\n        expr: up\n", 4, 17, "groups[0].rules[0].record", "group \"g\", rule 1, \"y\": only one of 'record' and 'alert' must be set" },
        { "neither record nor alert", Rule + "expr: up\n", 4, 9, "groups[0].rules[0]", "group \"g\", rule 1, \"\": one of 'record' or 'alert' must be set" },
        { "no expression", Rule + "record: x\n", 4, 9, "groups[0].rules[0].expr", "group \"g\", rule 1, \"x\": field 'expr' must be set in rule" },
        { "an empty expression", Rule + "alert: x\n        expr: \"\"\n", 5, 15, "groups[0].rules[0].expr", "group \"g\", rule 1, \"x\": field 'expr' must be set in rule" },
        { "bad PromQL", Rule + "record: x\n        expr: sum(up\n", 5, 15, "groups[0].rules[0].expr", "group \"g\", rule 1, \"x\": could not parse expression: 1:7: parse error: unclosed left parenthesis" },
        { "PromQL that does not type-check", Rule + "alert: x\n        expr: rate(up)\n", 5, 15, "groups[0].rules[0].expr", "group \"g\", rule 1, \"x\": could not parse expression: 1:6: parse error: expected type range vector in call to function \"rate\", got instant vector" },
        { "annotations on a recording rule", Rule + "record: x\n        expr: up\n        annotations: {a: b}\n", 6, 22, "groups[0].rules[0].annotations", "group \"g\", rule 1, \"x\": invalid field 'annotations' in recording rule" },
        { "for on a recording rule", Rule + "record: x\n        expr: up\n        for: 5m\n", 6, 14, "groups[0].rules[0].for", "group \"g\", rule 1, \"x\": invalid field 'for' in recording rule" },
        { "keep_firing_for on a recording rule", Rule + "record: x\n        expr: up\n        keep_firing_for: 5m\n", 6, 26, "groups[0].rules[0].keep_firing_for", "group \"g\", rule 1, \"x\": invalid field 'keep_firing_for' in recording rule" },
        { "a selector as record name", Rule + "record: up{a=\"b\"}\n        expr: up\n", 4, 17, "groups[0].rules[0].record", "group \"g\", rule 1, \"up{a=\\\"b\\\"}\": braces present in the recording rule name; should it be in expr?: up{a=\"b\"}" },
        { "__name__ as a rule label", Rule + "record: x\n        expr: up\n        labels: {__name__: y}\n", 6, 18, "groups[0].rules[0].labels.__name__", "group \"g\", rule 1, \"x\": invalid label name: __name__" },
        { "an empty rule label name", Rule + "alert: x\n        expr: up\n        labels: {\"\": y}\n", 6, 18, "groups[0].rules[0].labels.", "group \"g\", rule 1, \"x\": invalid label name: " },
        { "an empty annotation name", Rule + "alert: x\n        expr: up\n        annotations: {\"\": y}\n", 6, 23, "groups[0].rules[0].annotations.", "group \"g\", rule 1, \"x\": invalid annotation name: " },
        { "the rule number counts the rules of its group", Rule + "record: x\n        expr: up\n      - alert: y\n        expr: up(\n", 7, 15, "groups[0].rules[1].expr", "group \"g\", rule 2, \"y\": could not parse expression: 1:4: parse error: unclosed left parenthesis" },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void Names_file_line_and_field_with_upstreams_reason(string what, string yaml, int line, int column, string field, string reason)
    {
        var problem = Assert.Single(Problems(yaml).Errors);
        Assert.True(reason == problem.Reason, $"{what}: {problem.Message}");
        Assert.Equal(("rules.yml", line, column, field), (problem.FileName, (int)problem.Line, (int)problem.Column, problem.Field));
        var place = field.Length > 0 ? $"rules.yml:{line}:{column}: {field}: " : $"rules.yml:{line}:{column}: ";
        Assert.Equal(place + reason, problem.Message);
    }

    /// <summary>Under <c>metric_name_validation_scheme: legacy</c> the names must be the classic ones.</summary>
    public static TheoryData<string, int, string, string> LegacyMistakes() => new()
    {
        { Rule + "record: 1x\n        expr: up\n", 4, "groups[0].rules[0].record", "group \"g\", rule 1, \"1x\": invalid recording rule name: 1x" },
        { Rule + "record: a.b\n        expr: up\n", 4, "groups[0].rules[0].record", "group \"g\", rule 1, \"a.b\": invalid recording rule name: a.b" },
        { Rule + "alert: x\n        expr: up\n        labels: {a-b: c}\n", 6, "groups[0].rules[0].labels.a-b", "group \"g\", rule 1, \"x\": invalid label name: a-b" },
        { Rule + "alert: x\n        expr: up\n        annotations: {1a: c}\n", 6, "groups[0].rules[0].annotations.1a", "group \"g\", rule 1, \"x\": invalid annotation name: 1a" },
        { "groups:\n  - name: a\n    labels: {a.b: x}\n", 3, "groups[0].labels.a.b", "invalid label name: a.b" },
    };

    [Theory]
    [MemberData(nameof(LegacyMistakes))]
    public void Legacy_names_are_checked_under_the_legacy_scheme(string yaml, int line, string field, string reason)
    {
        var legacy = AcceptAnyTemplate with { NameValidationScheme = NameValidationScheme.Legacy };
        var problem = Assert.Single(Problems(yaml, legacy).Errors);
        Assert.Equal((line, field, reason), ((int)problem.Line, problem.Field, problem.Reason));

        // The same file is valid under UTF-8 names (Prometheus 3's default).
        Assert.NotNull(Parse(yaml));
    }

    [Fact]
    public void Every_problem_is_reported_in_upstreams_order()
    {
        const string yaml = """
            groups:
              - name: a
                rules:
                  - record: "x{}"
                    expr: sum(
                    annotations: {a: b}
                  - alert: y
                    record: z
                    expr: up
              - name: a
              - name: ""
            """;
        var ex = Problems(yaml);
        Assert.Equal(
            [
                "rules.yml:5:15: groups[0].rules[0].expr: group \"a\", rule 1, \"x{}\": could not parse expression: 1:5: parse error: unclosed left parenthesis",
                "rules.yml:6:22: groups[0].rules[0].annotations: group \"a\", rule 1, \"x{}\": invalid field 'annotations' in recording rule",
                "rules.yml:4:17: groups[0].rules[0].record: group \"a\", rule 1, \"x{}\": braces present in the recording rule name; should it be in expr?: x{}",
                "rules.yml:8:17: groups[0].rules[1].record: group \"a\", rule 2, \"y\": only one of 'record' and 'alert' must be set",
                "rules.yml:10:5: groups[1].name: groupname: \"a\" is repeated in the same file",
                "rules.yml:11:5: groups[2].name: Groupname must not be empty",
            ],
            ex.Errors.Select(e => e.Message));
        Assert.Equal(string.Join('\n', ex.Errors.Select(e => e.Message)), ex.Message);
        Assert.Equal("rules.yml", ex.FileName);
    }
}
