using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Rules;

/// <summary><c>rule_files</c>: globs relative to the configuration's directory, expanded as Go's <c>filepath.Glob</c>.</summary>
public sealed class RuleFilesTests : IDisposable
{
    private readonly TempDirectory _dir = new("sm-rulefiles-");

    public RuleFilesTests()
    {
        foreach (var name in new[] { "rules/b.yml", "rules/a.yml", "rules/.hidden.yml", "rules/c.yaml", "rules/sub/d.yml", "other/e.yml", "x/a.yml", "y/a.yml", "star*/f.yml" })
        {
            var path = _dir.Combine(name);
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, $"groups:\n  - name: {Path.GetFileNameWithoutExtension(name)}\n    rules: [{{record: r, expr: up}}]\n");
        }
    }

    public void Dispose() => _dir.Dispose();

    public static TheoryData<string[], string[]> Patterns() => new()
    {
        { ["rules/a.yml"], ["rules/a.yml"] },
        { ["rules/*.yml"], ["rules/.hidden.yml", "rules/a.yml", "rules/b.yml"] },
        { ["rules/*"], ["rules/.hidden.yml", "rules/a.yml", "rules/b.yml", "rules/c.yaml", "rules/sub"] },
        { ["rules/?.yml"], ["rules/a.yml", "rules/b.yml"] },
        { ["rules/[ab].yml"], ["rules/a.yml", "rules/b.yml"] },
        { ["rules/[^a].y*"], ["rules/b.yml", "rules/c.yaml"] },
        { ["rules/[a-b].yml", "rules/c.yaml"], ["rules/a.yml", "rules/b.yml", "rules/c.yaml"] },
        { ["[xy]/a.yml"], ["x/a.yml", "y/a.yml"] },
        { ["star?/f.yml"], ["star*/f.yml"] },
        { ["other/\\e.yml"], ["other/e.yml"] },
        { ["rules/a.yml", "rules/*.yml"], ["rules/a.yml", "rules/.hidden.yml", "rules/b.yml"] },
        { ["rules/missing.yml", "none/*.yml", "other/*.yml"], ["other/e.yml"] },
    };

    [Theory]
    [MemberData(nameof(Patterns))]
    public void Patterns_resolve_against_the_config_directory_as_filepath_Glob(string[] patterns, string[] expected)
    {
        var yaml = "rule_files:\n" + string.Concat(patterns.Select(p => $"  - '{p}'\n"));
        var config = PrometheusConfig.Load(yaml, "prometheus.yml", _dir.Path);
        Assert.Equal(expected.Select(_dir.Combine), RuleFiles.Resolve(config));
    }

    [Fact]
    public void Loading_parses_every_file_in_order()
    {
        var config = PrometheusConfig.Load("rule_files: [other/e.yml, 'rules/[ab].yml']\n", "prometheus.yml", _dir.Path);
        var files = RuleFiles.Load(config, RuleTestFiles.AcceptAnyTemplate);
        Assert.Equal(["e", "a", "b"], files.Select(f => f.Groups[0].Name));
        Assert.Equal(_dir.Combine("other/e.yml"), files[0].Groups[0].File);
    }

    [Fact]
    public void A_broken_file_stops_the_load_naming_it()
    {
        File.WriteAllText(_dir.Combine("rules/b.yml"), "groups:\n  - name: b\n    rules: [{record: r, expr: 'up('}]\n");
        var config = PrometheusConfig.Load("rule_files: ['rules/*.yml']\n", "prometheus.yml", _dir.Path);
        var ex = Assert.Throws<RuleFileException>(() => RuleFiles.Load(config));
        Assert.Equal(_dir.Combine("rules/b.yml"), ex.FileName);
        Assert.StartsWith(_dir.Combine("rules/b.yml") + ":3:", Assert.Single(ex.Errors).Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_malformed_pattern_names_the_config_and_the_entry()
    {
        var config = PrometheusConfig.Load("rule_files: ['rules/[a.yml']\n", "prometheus.yml", _dir.Path);
        var ex = Assert.Throws<RuleFileException>(() => RuleFiles.Resolve(config));
        var problem = Assert.Single(ex.Errors);
        Assert.Equal(("prometheus.yml", "rule_files[0]"), (problem.FileName, problem.Field));
        Assert.Equal($"error retrieving rule files for {_dir.Combine("rules/[a.yml")}: syntax error in pattern", problem.Reason);
    }

    /// <summary>Go's <c>filepath.Match</c> on one path element.</summary>
    [Theory]
    [InlineData("abc", "abc", true)]
    [InlineData("*", "abc", true)]
    [InlineData("*", "", true)]
    [InlineData("*c", "abc", true)]
    [InlineData("a*", "a", true)]
    [InlineData("a*b*c", "axxbyyc", true)]
    [InlineData("a*b*c", "axxbyy", false)]
    [InlineData("*x", "xxx", true)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "ac", false)]
    [InlineData("a?", "aé", true)]
    [InlineData("[abc]", "b", true)]
    [InlineData("[^abc]", "b", false)]
    [InlineData("[a-c]x", "cx", true)]
    [InlineData("[a-c]x", "dx", false)]
    [InlineData("[\\]]", "]", true)]
    [InlineData("[\\-]", "-", true)]
    [InlineData("a\\*", "a*", true)]
    [InlineData("a\\*", "ab", false)]
    [InlineData("*.yml", ".hidden.yml", true)]
    [InlineData("*", "a/b", false)]
    public void Match_follows_go(string pattern, string name, bool matches)
    {
        Assert.Equal(matches, FilePathGlob.Match(pattern, name));
    }

    [Theory]
    [InlineData("[")]
    [InlineData("[a")]
    [InlineData("[]")]
    [InlineData("[^]")]
    [InlineData("[-a]")]
    [InlineData("[a-]")]
    [InlineData("a\\")]
    [InlineData("*[")]
    public void Malformed_patterns_are_errors_as_in_go(string pattern)
    {
        var ex = Assert.Throws<FormatException>(() => FilePathGlob.Match(pattern, "a"));
        Assert.Equal("syntax error in pattern", ex.Message);
    }
}
