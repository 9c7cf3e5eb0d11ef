using Serverless.Monitoring.Tests.Fixtures;
using static Serverless.Monitoring.Tests.Rules.RulesAgainstPromtoolTests;

namespace Serverless.Monitoring.Tests.Rules.UnitTests;

/// <summary>
/// <c>test rules</c> as a command: flags and usage next to promtool's, and, against promtool 2.42,
/// each place where our output differs on purpose, with what both print.
/// </summary>
public sealed class TestRulesCommandTests : IDisposable
{
    private const string Rules = "groups:\n  - name: g\n    rules:\n      - alert: High\n        expr: gauge > 5\n";
    private const string Passing = "rule_files: [rules.yml]\ntests:\n  - interval: 1m\n    input_series:\n      - series: gauge\n        values: '9'\n    alert_rule_test:\n      - eval_time: 0s\n        alertname: High\n        exp_alerts: [{}]\n";

    private readonly TempDirectory _dir = new("sm-test-rules-");

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Features_warn_as_promtools_do()
    {
        var test = Write("t.yml", Passing);
        Write("rules.yml", Rules);
        string[] args = ["test", "rules", "--enable-feature=promql-at-modifier,promql-negative-offset", test, "--enable-feature", "no-default-scrape-port,,nope"];
        var upstream = await Promtool.RunAsync(args);
        var ours = await RunOursAsync(args);

        Assert.Equal(0, upstream.ExitCode);
        Assert.Equal(0, ours.Code);
        Assert.Contains("  WARNING: Unknown option for --enable-feature: \"nope\"\n", ours.Output, StringComparison.Ordinal);
        Assert.Equal(upstream.StandardOutput, ours.Output);
        Assert.Equal(upstream.StandardError, ours.Error);
    }

    /// <summary>Usage mistakes exit 2 as our other commands (promtool's parser exits 1), before any file runs.</summary>
    [Theory]
    [InlineData("missing.yml", "path 'missing.yml' does not exist")]
    [InlineData(".", "'.' is a directory")]
    [InlineData("--nope", "unknown flag '--nope'")]
    public async Task Usage_mistakes_exit_2(string argument, string problem)
    {
        var test = Write("t.yml", Passing);
        Write("rules.yml", Rules);
        var ours = await RunOursAsync("test", "rules", test, argument);
        Assert.Equal(2, ours.Code);
        Assert.Equal(string.Empty, ours.Output);
        Assert.StartsWith($"Serverless.Monitoring: error: {problem}\n", ours.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Without_files_it_is_a_usage_mistake()
    {
        var ours = await RunOursAsync("test", "rules");
        Assert.Equal(2, ours.Code);
        Assert.Contains("test-rule-file", ours.Error, StringComparison.Ordinal);
    }

    /// <summary>
    /// Where we differ from promtool 2.42: a name, the test file, the rule file (if any), what
    /// promtool prints on standard error and what we print (<c>DIR/</c> the files' directory).
    /// Standard output and exit codes agree unless <c>sameVerdict</c> is false.
    /// </summary>
    public static TheoryData<string, string, string, string, string, bool> Differences() => new()
    {
        {
            // Our decode stops at the first problem and names line, column and field.
            "unknown field", "tests:\n  - interval: 1m\n    inputs: []\n  - bar: 1\n", string.Empty,
            "  FAILED:\nyaml: unmarshal errors:\n  line 3: field inputs not found in type main.testGroup\n  line 4: field bar not found in type main.testGroup\n",
            "  FAILED:\nDIR/t.yml:3:5: tests[0].inputs: field inputs not found in type main.testGroup\n",
            true
        },
        {
            // Rule-file problems as `check rules` prints them: file:line:column: field: reason (Prometheus 3's checks).
            "broken rule file", "rule_files: [rules.yml]\ntests:\n  - interval: 1m\n", "groups:\n  - name: g\n    rules:\n      - record: x\n        expr: sum(up\n",
            "  FAILED:\nDIR/rules.yml: 5:15: group \"g\", rule 1, \"x\": could not parse expression: 1:7: parse error: unclosed left parenthesis\n",
            "  FAILED:\nDIR/rules.yml:5:15: groups[0].rules[0].expr: group \"g\", rule 1, \"x\": could not parse expression: 1:7: parse error: unclosed left parenthesis\n",
            true
        },
        {
            // An input series that does not parse: our series parser's words and place.
            "broken series", "tests:\n  - interval: 1m\n    input_series:\n      - series: up{a=\"b\"\n        values: 1\n", string.Empty,
            "  FAILED:\n1:10: parse error: unexpected character inside braces: '1'\n",
            "  FAILED:\n1:3: parse error: unexpected end of input inside braces\n",
            true
        },
        {
            // A recording rule that writes a series the input already has at that time: upstream's
            // storage refuses the sample and the rule fails; our evaluator checks clashes only among
            // the samples of one evaluation, so the rule's sample replaces the input's.
            "rule output clashes with input", "rule_files: [rules.yml]\ntests:\n  - interval: 1m\n    input_series:\n      - series: gauge\n        values: 1 2\n    promql_expr_test:\n      - expr: gauge\n        eval_time: 1m\n        exp_samples:\n          - labels: gauge\n            value: 4\n",
            "groups:\n  - name: g\n    rules:\n      - record: gauge\n        expr: gauge * 2\n",
            "  FAILED:\n    rule: gauge, time: 0s, err: duplicate sample for timestamp\n",
            string.Empty,
            false
        },
    };

    [Theory]
    [MemberData(nameof(Differences))]
    public async Task Known_differences_from_promtool_2_42(string name, string test, string rules, string promtoolError, string ourError, bool sameVerdict)
    {
        Assert.NotEmpty(name);
        var path = Write("t.yml", test);
        if (rules.Length > 0)
        {
            Write("rules.yml", rules);
        }

        var upstream = await Promtool.RunAsync(["test", "rules", path]);
        var ours = await RunOursAsync("test", "rules", path);

        Assert.Equal(1, upstream.ExitCode);
        Assert.Equal(promtoolError.Replace("DIR/", _dir.Path + "/", StringComparison.Ordinal), upstream.StandardError);
        Assert.Equal(ourError.Replace("DIR/", _dir.Path + "/", StringComparison.Ordinal), ours.Error);
        if (sameVerdict)
        {
            Assert.Equal(1, ours.Code);
            Assert.Equal(upstream.StandardOutput, ours.Output);
        }
        else
        {
            Assert.Equal(0, ours.Code);
            Assert.Equal($"Unit Testing:  {path}\n  SUCCESS\n\n", ours.Output);
        }
    }

    private string Write(string name, string text)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }
}
