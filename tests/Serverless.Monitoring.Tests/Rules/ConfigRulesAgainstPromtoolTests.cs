using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>
/// <c>check config</c> against Debian's <c>promtool check config</c> (2.42) on configurations whose
/// <c>rule_files</c> name valid, linted and broken rule files: the same exit code, the same
/// standard output byte for byte (rule files found and named alike, globs expanded alike), and
/// every reason promtool gives on standard error in ours too.
/// </summary>
public sealed class ConfigRulesAgainstPromtoolTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-config-rules-");

    public ConfigRulesAgainstPromtoolTests()
    {
        Write("rules/good.yml", "groups:\n  - name: good\n    rules:\n      - {record: 'job:up:sum', expr: sum by (job) (up)}\n      - {alert: Down, expr: up == 0, for: 5m}\n");
        Write("rules/dup.yml", "groups:\n  - name: dup\n    rules:\n      - {record: x, expr: up, labels: {a: b}}\n      - {record: x, expr: down, labels: {a: b}}\n");
        Write("rules/bad.yml", "groups:\n  - name: bad\n    rules:\n      - record: x\n        expr: sum(up\n        labels: {__name__: y}\n");
        Write("rules/other.yaml", "groups:\n  - name: other\n    rules: [{record: y, expr: up}]\n");
        Write("more/extra.yml", "groups:\n  - name: extra\n    rules: [{record: z, expr: up}]\n");
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string, string, string[]> Configs() => new()
    {
        { "one-file", "rule_files: [rules/good.yml]\n", [] },
        { "no-rule-files", "scrape_configs:\n  - job_name: a\n    static_configs: [{targets: ['127.0.0.1:9100']}]\n", [] },
        { "glob-mixed", "rule_files: ['rules/*.yml']\n", [] },
        { "glob-classes", "rule_files: ['rules/[gd]*.yml', 'rules/?ther.yaml', 'more/*']\n", [] },
        { "glob-no-match", "rule_files: ['none/*.yml']\n", [] },
        { "missing-file", "rule_files: [rules/missing.yml]\n", [] },
        { "listed-twice", "rule_files: [rules/good.yml, 'rules/g*.yml']\n", [] },
        { "syntax-only", "rule_files: ['rules/*.yml', rules/missing.yml]\n", ["--syntax-only"] },
        { "lint-none", "rule_files: [rules/dup.yml, rules/good.yml]\n", ["--lint=none"] },
        { "lint-fatal", "rule_files: [rules/dup.yml]\n", ["--lint-fatal"] },
        { "lint-fatal-and-broken", "rule_files: [rules/dup.yml, rules/bad.yml]\n", ["--lint-fatal"] },
        { "broken-config", "global:\n  evaluation_interval: 1x\nrule_files: [rules/good.yml]\n", [] },
    };

    [Theory]
    [MemberData(nameof(Configs))]
    public async Task Check_config_agrees_with_promtool(string name, string yaml, string[] flags)
    {
        var config = Write(name + ".yml", yaml);
        await CompareAsync([.. flags, config]);
    }

    [Fact]
    public async Task Several_configs_at_once()
    {
        var good = Write("a.yml", "rule_files: [rules/good.yml]\n");
        var broken = Write("b.yml", "rule_files: [rules/bad.yml, rules/dup.yml]\n");
        await CompareAsync([good, broken, good]);
    }

    /// <summary>A config named relative to the working directory: its rule files are named relative too.</summary>
    [Fact]
    public async Task A_relative_config_path_names_its_rule_files_relative()
    {
        var config = Path.GetRelativePath(Directory.GetCurrentDirectory(), Write("relative.yml", "rule_files: ['rules/*.yml', '../" + Path.GetFileName(_dir.Path) + "/more/extra.yml']\n"));
        var output = await CompareAsync([config]);
        Assert.Contains($"Checking {Path.Combine(Path.GetDirectoryName(config)!, "rules", "good.yml")}\n", output, StringComparison.Ordinal);
    }

    private static async Task<string> CompareAsync(string[] args)
    {
        var upstream = await Promtool.RunAsync(["check", "config", .. args]);
        var (code, output, error) = await RulesAgainstPromtoolTests.RunOursAsync(["check", "config", .. args]);
        Assert.True(upstream.ExitCode == code, $"promtool exit {upstream.ExitCode}, ours {code}\npromtool: {upstream.StandardError}\nours: {error}");
        Assert.Equal(upstream.StandardOutput, output);

        // Every problem promtool reports, we report: config problems after FAILED:, rule file
        // problems in their files' lines (ours add line, column and field before the reason).
        var ourLines = error.Split('\n');
        foreach (var line in upstream.StandardError.Split('\n').Where(l => l.Length > 0))
        {
            var configProblem = line.StartsWith("  FAILED: ", StringComparison.Ordinal) ? line["  FAILED: ".Length..] : null;
            var ruleProblem = PromtoolOutput.Problems(line, line.TrimStart().Split(": ")[0]).Select(p => p.Reason).FirstOrDefault();
            var expected = configProblem is not null && !configProblem.StartsWith("parsing YAML file ", StringComparison.Ordinal) ? configProblem
                : configProblem is not null ? configProblem[(configProblem.IndexOf(": ", StringComparison.Ordinal) + 2)..]
                : ruleProblem ?? line;
            Assert.True(ourLines.Any(l => l.EndsWith(expected, StringComparison.Ordinal)), $"promtool's \"{line}\" is not in ours:\n{error}");
        }

        return output;
    }

    private string Write(string name, string text)
    {
        var path = _dir.Combine(name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
        return path;
    }
}
