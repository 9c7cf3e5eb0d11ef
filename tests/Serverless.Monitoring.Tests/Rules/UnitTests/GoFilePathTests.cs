using Serverless.Monitoring.Core.Rules.Testing;

namespace Serverless.Monitoring.Tests.Rules.UnitTests;

/// <summary>Go's filepath.Clean, Join and Dir, with which promtool names the rule files of a test file.</summary>
public sealed class GoFilePathTests
{
    [Theory]
    [InlineData("", ".")]
    [InlineData(".", ".")]
    [InlineData("a", "a")]
    [InlineData("a/", "a")]
    [InlineData("./a//b/./c", "a/b/c")]
    [InlineData("a/../b", "b")]
    [InlineData("a/..", ".")]
    [InlineData("../a", "../a")]
    [InlineData("../../a/../b", "../../b")]
    [InlineData("/../a", "/a")]
    [InlineData("/", "/")]
    [InlineData("//a//", "/a")]
    public void Clean(string path, string clean) => Assert.Equal(clean, GoFilePath.Clean(path));

    [Theory]
    [InlineData("t.yml", ".")]
    [InlineData("./t.yml", ".")]
    [InlineData("dir/t.yml", "dir")]
    [InlineData("/abs/dir/t.yml", "/abs/dir")]
    [InlineData("/t.yml", "/")]
    public void Dir(string path, string dir) => Assert.Equal(dir, GoFilePath.Dir(path));

    [Theory]
    [InlineData(".", "rules/a.yml", "rules/a.yml")]
    [InlineData("tests", "../rules/*.yml", "rules/*.yml")]
    [InlineData("/x/tests", "./r.yml", "/x/tests/r.yml")]
    [InlineData("", "r.yml", "r.yml")]
    public void Join(string dir, string file, string joined) => Assert.Equal(joined, GoFilePath.Join(dir, file));

    [Fact]
    public void Joining_nothing_is_empty() => Assert.Equal(string.Empty, GoFilePath.Join(string.Empty, string.Empty));
}
