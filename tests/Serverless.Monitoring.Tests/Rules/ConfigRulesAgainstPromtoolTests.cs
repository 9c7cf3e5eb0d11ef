using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary>
/// <c>check config</c> against Debian's <c>promtool check config</c> (2.42) on configurations whose
/// <c>rule_files</c> name valid, linted and broken rule files, and which refer to other files
/// (file_sd, credentials, certificates): the same exit code, the same standard output byte for
/// byte (rule files found and named alike, globs expanded alike, warnings), and every reason
/// promtool gives on standard error in ours too.
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
        Write("sd/good.yml", "- targets: ['127.0.0.1:9100']\n");
        Write("sd/bad.yml", "- targets: ['127.0.0.1:9100']\n  foo: 1\n");
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

        // The other files a config refers to.
        { "file-sd-missing", "scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [sd/missing.yml, 'sd/*.json', sd/good.yml]}]\n", [] },
        { "file-sd-broken", "scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [sd/good.yml, sd/bad.yml]}]\n", [] },
        { "file-sd-alertmanager", "alerting:\n  alertmanagers:\n    - file_sd_configs: [{files: [sd/am.yml]}]\n", [] },
        { "credentials-missing", "scrape_configs:\n  - job_name: a\n    authorization: {credentials_file: secret/none}\n", [] },
        { "bearer-file-missing", "scrape_configs:\n  - job_name: a\n    bearer_token_file: secret/none\n", [] },
        { "cert-missing", "scrape_configs:\n  - job_name: a\n    tls_config: {cert_file: tls/none.crt, key_file: tls/none.key}\n", [] },
        { "files-unchecked-with-syntax-only", "scrape_configs:\n  - job_name: a\n    file_sd_configs: [{files: [sd/bad.yml, sd/missing.yml]}]\n    tls_config: {cert_file: tls/none.crt, key_file: tls/none.key}\n", ["--syntax-only"] },
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
        // go-yaml's words for a file_sd file (a second "  line N:" line) are not ours: up to them.
        foreach (var line in upstream.StandardError.Split('\n').Where(l => l.Length > 0 && !l.StartsWith("  line ", StringComparison.Ordinal)))
        {
            var configProblem = line.StartsWith("  FAILED: ", StringComparison.Ordinal) ? line["  FAILED: ".Length..] : null;
            if (configProblem?.IndexOf(": yaml: ", StringComparison.Ordinal) is > 0 and var yamlAt)
            {
                configProblem = configProblem[..yamlAt];
                Assert.Contains(configProblem + ": ", error, StringComparison.Ordinal);
                continue;
            }

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
