using System.Text.RegularExpressions;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Rules;

namespace Serverless.Monitoring.Tests.Alerting.Config;

/// <summary>
/// <c>check alertmanager-config</c> against Debian's <c>amtool check-config</c> 0.25 on the files
/// in <c>Files/</c>: the same exit code; the same standard output for valid files; for invalid
/// ones our <c>FAILED:</c> line adds <c>file:line:column: field:</c> before amtool's reason
/// (amtool's go-yaml errors "yaml: unmarshal errors: line N: REASON" become ours at line N).
/// </summary>
public sealed class CheckConfigAgainstAmtoolTests
{
    private static readonly string FilesDirectory = Path.Combine(ToolLocator.RepositoryRoot, "tests", "Serverless.Monitoring.Tests", "Alerting", "Config", "Files");

    public static TheoryData<string> Files => [.. Directory.GetFiles(FilesDirectory, "*.yml").Select(f => Path.GetFileName(f)).Order(StringComparer.Ordinal)];

    [Fact]
    public void There_are_enough_files() => Assert.True(Files.Count >= 15, $"{Files.Count} files");

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Same_verdict_as_amtool(string name)
    {
        var path = Path.Combine(FilesDirectory, name);
        var upstream = await Amtool.RunAsync("check-config", path);
        var (code, output, error) = await RulesAgainstPromtoolTests.RunOursAsync("check", "alertmanager-config", path);
        Assert.True(upstream.ExitCode == code, $"amtool exit {upstream.ExitCode}, ours {code}\namtool: {upstream}\nours: {output}{error}");
        Assert.Equal(name.StartsWith("valid_", StringComparison.Ordinal), code == 0);
        if (code == 0)
        {
            Assert.Equal(upstream.StandardOutput, output);
            return;
        }

        // A template that does not parse fails after the summary, in Go's words: the same output.
        if (upstream.StandardOutput.Contains("  FAILED: template: ", StringComparison.Ordinal))
        {
            Assert.Equal(upstream.StandardOutput, output);
            return;
        }

        var prefix = $"Checking '{path}'  FAILED: ";
        var theirs = upstream.StandardOutput[(upstream.StandardOutput.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..].TrimEnd('\n');
        var ours = output[(output.IndexOf(prefix, StringComparison.Ordinal) + prefix.Length)..].TrimEnd('\n');
        var place = Regex.Match(ours, @"^(?<file>[^:]+):(?<line>\d+):\d+: (?<field>[^:]+): (?<reason>.*)$", RegexOptions.Singleline);
        Assert.True(place.Success, $"no file:line:column: field: in {ours}");
        Assert.Equal(path, place.Groups["file"].Value);
        var yaml = Regex.Match(theirs, @"^yaml: unmarshal errors:\n  line (?<line>\d+): (?<reason>.*)$");
        if (yaml.Success)
        {
            Assert.Equal(yaml.Groups["line"].Value, place.Groups["line"].Value);
            Assert.Equal(yaml.Groups["reason"].Value, place.Groups["reason"].Value);
        }
        else if (theirs.StartsWith("error parsing regexp: ", StringComparison.Ordinal))
        {
            // Go's regexp and .NET's word the reason differently; the kind of error is the same.
            Assert.StartsWith("error parsing regexp: ", place.Groups["reason"].Value, StringComparison.Ordinal);
        }
        else
        {
            Assert.Equal(theirs, place.Groups["reason"].Value);
        }
    }

    /// <summary>Our escalation_policies: accepted by ours, refused by amtool as an unknown field (the difference pinned).</summary>
    [Fact]
    public async Task Escalation_policies_are_ours_only()
    {
        using var dir = new TempDirectory("am-escalation");
        var path = dir.Combine("escalation.yml");
        await File.WriteAllTextAsync(path, EscalationTests.ValidConfig);
        var upstream = await Amtool.RunAsync("check-config", path);
        Assert.Equal(1, upstream.ExitCode);
        Assert.Contains("field escalation_policies not found in type config.plain", upstream.StandardOutput, StringComparison.Ordinal);
        var (code, output, _) = await RulesAgainstPromtoolTests.RunOursAsync("check", "alertmanager-config", path);
        Assert.Equal(0, code);
        Assert.Contains($"Checking '{path}'  SUCCESS", output, StringComparison.Ordinal);
    }

    /// <summary>amtool 0.25 accepts receiver kinds we do not send to; ours refuses them naming the field, never ignores them.</summary>
    [Fact]
    public async Task Unsupported_receiver_kinds_are_refused()
    {
        using var dir = new TempDirectory("am-unsupported");
        var path = dir.Combine("opsgenie.yml");
        await File.WriteAllTextAsync(path, "route:\n  receiver: o\nreceivers:\n- name: o\n  opsgenie_configs: [{api_key: k}]\n");
        Assert.Equal(0, (await Amtool.RunAsync("check-config", path)).ExitCode);
        var (code, output, _) = await RulesAgainstPromtoolTests.RunOursAsync("check", "alertmanager-config", path);
        Assert.Equal(1, code);
        Assert.Contains($"{path}:5:21: receivers[0].opsgenie_configs: receiver kind opsgenie_configs is not supported yet", output, StringComparison.Ordinal);
    }
}
