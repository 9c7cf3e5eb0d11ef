using Serverless.Monitoring.Tests.Fixtures;
using static Serverless.Monitoring.Tests.Rules.RulesAgainstPromtoolTests;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>
/// <c>check rules</c> and <c>check config</c> in this process: exit codes over several files,
/// lint settings, usage mistakes (exit 2, as our other commands), and what only we check.
/// </summary>
public sealed class CheckCommandTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-check-");
    private readonly string _good;
    private readonly string _dup;
    private readonly string _bad;

    public CheckCommandTests()
    {
        _good = Write("good.yml", "groups:\n  - name: a\n    rules: [{record: x, expr: up}, {alert: y, expr: up}]\n");
        _dup = Write("dup.yml", "groups:\n  - name: a\n    rules: [{record: x, expr: up}, {record: x, expr: up}]\n");
        _bad = Write("bad.yml", "groups:\n  - name: a\n    rules: [{record: x, expr: 'up('}]\n");
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string[], int> ExitCodes() => new()
    {
        { ["good"], 0 },
        { ["bad"], 1 },
        { ["dup"], 0 },
        { ["--lint-fatal", "dup"], 3 },
        { ["--lint=none", "--lint-fatal", "dup"], 0 },
        { ["--lint=all", "--lint-fatal", "dup"], 3 },
        { ["--lint=none,duplicate-rules", "--lint-fatal", "dup"], 3 },
        { ["good", "bad", "good"], 1 },
        { ["--lint-fatal", "dup", "good"], 3 },
        { ["--lint-fatal", "dup", "bad"], 1 },
    };

    [Theory]
    [MemberData(nameof(ExitCodes))]
    public async Task Check_rules_exits_as_promtool(string[] args, int expected)
    {
        var (code, output, error) = await RunOursAsync(["check", "rules", .. args.Select(Resolve)]);
        Assert.True(expected == code, output + error);
        Assert.Equal(args.Count(a => !a.StartsWith('-')), output.Split('\n').Count(l => l.StartsWith("Checking ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Output_per_file_as_promtool()
    {
        var (code, output, error) = await RunOursAsync("check", "rules", _good, _bad, _dup);
        Assert.Equal(1, code);
        Assert.Equal($"Checking {_good}\n  SUCCESS: 2 rules found\n\nChecking {_bad}\n\nChecking {_dup}\n\n", output);
        Assert.Equal(
            $"  FAILED:\n{_bad}:3:31: groups[0].rules[0].expr: group \"a\", rule 1, \"x\": could not parse expression: 1:4: parse error: unclosed left parenthesis\n"
            + "  FAILED:\nlint error 1 duplicate rule(s) found.\nMetric: x\nLabel(s):\nMight cause inconsistency while recording expressions\n",
            error);
    }

    [Fact]
    public async Task An_unknown_lint_option_is_a_warning()
    {
        var (code, output, _) = await RunOursAsync("check", "rules", "--lint=bogus", _good);
        Assert.Equal(0, code);
        Assert.StartsWith("WARNING: unknown lint option bogus\nChecking ", output, StringComparison.Ordinal);
    }

    public static TheoryData<string[], string> UsageMistakes() => new()
    {
        { ["check", "rules"], "expected the argument <rule-files>" },
        { ["check", "config"], "expected the argument <config-files>" },
        { ["check"], "'check' expects a command: config, rules" },
        { ["check", "rules", "missing.yml"], "path 'missing.yml' does not exist" },
        { ["check", "config", "missing.yml"], "path 'missing.yml' does not exist" },
        { ["check", "rules", "--lint"], "expected a value for flag '--lint'" },
        { ["check", "rules", "--bogus", "x.yml"], "unknown flag '--bogus'" },
    };

    [Theory]
    [MemberData(nameof(UsageMistakes))]
    public async Task Usage_mistakes_exit_2_before_checking_anything(string[] args, string message)
    {
        var (code, output, error) = await RunOursAsync(args);
        Assert.True(code == 2, error);
        Assert.Contains($"Serverless.Monitoring: error: {message}", error, StringComparison.Ordinal);
        Assert.Contains("--help'.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("Checking", output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_directory_is_a_usage_mistake()
    {
        var (code, _, error) = await RunOursAsync("check", "rules", _dir.Path);
        Assert.Equal(2, code);
        Assert.Contains($"error: '{_dir.Path}' is a directory", error, StringComparison.Ordinal);
    }

    /// <summary><c>check config</c> checks rule files as the server would load them: with the config's name scheme.</summary>
    [Theory]
    [InlineData("utf8", 0)]
    [InlineData("legacy", 1)]
    public async Task Check_config_uses_the_configs_name_validation_scheme(string scheme, int expected)
    {
        var rules = Write("names.yml", "groups:\n  - name: a\n    rules: [{record: a.b, expr: up}]\n");
        var config = Write($"{scheme}.yml", $"global:\n  metric_name_validation_scheme: {scheme}\nrule_files: [{rules}]\n");
        var (code, _, error) = await RunOursAsync("check", "config", config);
        Assert.True(expected == code, error);
        Assert.Equal(expected == 1, error.Contains("invalid recording rule name: a.b", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_malformed_rule_file_pattern_fails_the_config()
    {
        var config = Write("glob.yml", "rule_files: ['rules/[.yml']\n");
        var (code, output, error) = await RunOursAsync("check", "config", config);
        Assert.Equal(1, code);
        Assert.Equal($"Checking {config}\n\n", output);
        Assert.Equal($"  FAILED: {config}: rule_files[0]: syntax error in pattern\n", error);
    }

    private string Resolve(string arg) => arg switch
    {
        "good" => _good,
        "dup" => _dup,
        "bad" => _bad,
        _ => arg,
    };

    private string Write(string name, string text)
    {
        var path = _dir.Combine(name);
        File.WriteAllText(path, text);
        return path;
    }
}
