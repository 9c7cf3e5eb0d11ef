using Serverless.Monitoring.Tests.Fixtures;
using static Serverless.Monitoring.Tests.Rules.RulesAgainstPromtoolTests;

namespace Serverless.Monitoring.Tests.Rules.UnitTests;

/// <summary>
/// Our rule unit-test files (<c>Files/</c>, promtool's format) run by Debian's <c>promtool test rules</c>
/// (2.42) and by our <c>test rules</c>, each file on its own:
/// <list type="bullet">
/// <item><c>Files/*.test.yml</c> pass under both: exit 0, the same standard output and error.</item>
/// <item><c>Files/failing/*.test.yml</c> hold deliberately wrong expectations: both exit 1 with the same output, failure texts included.</item>
/// <item><c>Files/ours/*.test.yml</c> cover what Prometheus 3 (which we follow) does and 2.42 does not: they pass
/// under ours and fail under promtool, each file's comment says why.</item>
/// </list>
/// </summary>
public sealed class RuleUnitTestFilesTests
{
    private static readonly string FilesDirectory = Path.Combine(AppContext.BaseDirectory, "Rules", "UnitTests", "Files");

    public static TheoryData<string> Passing() => [.. Files(string.Empty)];

    public static TheoryData<string> Failing() => [.. Files("failing")];

    public static TheoryData<string> OursOnly() => [.. Files("ours")];

    [Theory]
    [MemberData(nameof(Passing))]
    public async Task Passes_under_promtool_and_ours(string name)
    {
        var path = Path.Combine(FilesDirectory, name);
        var upstream = await Promtool.RunAsync(["test", "rules", path]);
        var ours = await RunOursAsync("test", "rules", path);

        Assert.True(upstream.ExitCode == 0, $"promtool: {upstream}");
        Assert.True(ours.Code == 0, $"ours: {ours.Output}{ours.Error}");
        Assert.Equal(upstream.StandardOutput, ours.Output);
        Assert.Equal(upstream.StandardError, ours.Error);
    }

    [Theory]
    [MemberData(nameof(Failing))]
    public async Task Wrong_expectations_fail_alike(string name)
    {
        var path = Path.Combine(FilesDirectory, name);
        var upstream = await Promtool.RunAsync(["test", "rules", path]);
        var ours = await RunOursAsync("test", "rules", path);

        Assert.Equal(1, upstream.ExitCode);
        Assert.Equal(1, ours.Code);
        Assert.Contains("  FAILED:\n", ours.Error, StringComparison.Ordinal);
        Assert.Equal(upstream.StandardOutput, ours.Output);
        Assert.Equal(upstream.StandardError, ours.Error);
    }

    [Theory]
    [MemberData(nameof(OursOnly))]
    public async Task Prometheus_3_behaviour_passes_under_ours_only(string name)
    {
        var path = Path.Combine(FilesDirectory, name);
        var upstream = await Promtool.RunAsync(["test", "rules", path]);
        var ours = await RunOursAsync("test", "rules", path);

        Assert.True(ours.Code == 0, $"ours: {ours.Output}{ours.Error}");
        Assert.Equal($"Unit Testing:  {path}\n  SUCCESS\n\n", ours.Output);
        Assert.True(upstream.ExitCode == 1, $"2.42 agrees now; move the file up: {upstream}");
    }

    [Fact]
    public void The_suite_has_its_promised_size()
    {
        Assert.True(Files(string.Empty).Count >= 30, $"{Files(string.Empty).Count} passing files");
        Assert.True(Files("failing").Count >= 3, $"{Files("failing").Count} failing files");
        Assert.NotEmpty(Files("ours"));
    }

    [Fact]
    public async Task All_files_in_one_run_print_as_promtool()
    {
        string[] paths = [.. Files(string.Empty).Concat(Files("failing")).Select(name => Path.Combine(FilesDirectory, name))];
        var upstream = await Promtool.RunAsync(["test", "rules", .. paths], timeout: TimeSpan.FromMinutes(2));
        var ours = await RunOursAsync(["test", "rules", .. paths]);

        Assert.Equal(1, upstream.ExitCode);
        Assert.Equal(1, ours.Code);
        Assert.Equal(upstream.StandardOutput, ours.Output);
        Assert.Equal(upstream.StandardError, ours.Error);
    }

    /// <summary>The test files of a folder, relative to <c>Files/</c>, in name order.</summary>
    private static List<string> Files(string folder) =>
        [.. Directory.GetFiles(Path.Combine(FilesDirectory, folder), "*.test.yml")
            .Select(file => Path.GetRelativePath(FilesDirectory, file))
            .Order(StringComparer.Ordinal)];
}
