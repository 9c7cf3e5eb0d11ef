using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Relabeling;

namespace Serverless.Monitoring.Tests.Relabeling;

public sealed class RelabelConfigTests
{
    [Fact]
    public void Defaults_are_upstreams()
    {
        var c = new RelabelConfig { TargetLabel = "x" };
        Assert.Empty(c.SourceLabels);
        Assert.Equal(";", c.Separator);
        Assert.Same(RelabelRegex.Default, c.Regex);
        Assert.Equal("(.*)", c.Regex.Text);
        Assert.Equal("$1", c.Replacement);
        Assert.Equal(RelabelAction.Replace, c.Action);
        Assert.Equal(0UL, c.Modulus);
        Assert.Null(c.Validate());
    }

    public static TheoryData<RelabelConfig, string> Invalid() => new()
    {
        { new() { Action = RelabelAction.HashMod, TargetLabel = "s" }, "relabel configuration for hashmod requires non-zero modulus" },
        { new() { Action = RelabelAction.HashMod, Modulus = 2 }, "relabel configuration for hashmod action requires 'target_label' value" },
        { new() { Action = RelabelAction.Replace }, "relabel configuration for replace action requires 'target_label' value" },
        { new() { Action = RelabelAction.Lowercase }, "relabel configuration for lowercase action requires 'target_label' value" },
        { new() { Action = RelabelAction.Uppercase, TargetLabel = "u", Replacement = "x" }, "'replacement' can not be set for uppercase action" },
        { new() { Action = RelabelAction.KeepEqual }, "relabel configuration for keepequal action requires 'target_label' value" },
        { new() { Action = RelabelAction.DropEqual, TargetLabel = "t", Separator = "," }, "dropequal action requires only 'source_labels' and `target_label`, and no other fields" },
        { new() { Action = RelabelAction.KeepEqual, TargetLabel = "t", Regex = RelabelRegex.Parse("(.*)") }, "keepequal action requires only 'source_labels' and `target_label`, and no other fields" },
        { new() { Action = RelabelAction.LabelKeep, SourceLabels = ["a"] }, "labelkeep action requires only 'regex', and no other fields" },
        { new() { Action = RelabelAction.LabelDrop, TargetLabel = "a" }, "labeldrop action requires only 'regex', and no other fields" },
        { new() { Action = RelabelAction.LabelDrop, Replacement = "x" }, "labeldrop action requires only 'regex', and no other fields" },
        { new() { TargetLabel = "1bad", NameValidation = NameValidationScheme.Legacy }, "\"1bad\" is invalid 'target_label' for replace action" },
        { new() { TargetLabel = "a.${1}", NameValidation = NameValidationScheme.Legacy }, "\"a.${1}\" is invalid 'target_label' for replace action" },
        { new() { Action = RelabelAction.LabelMap, Replacement = "a-$1", NameValidation = NameValidationScheme.Legacy }, "\"a-$1\" is invalid 'replacement' for labelmap action" },
        { new() { Action = RelabelAction.LabelMap, Replacement = "" }, "\"\" is invalid 'replacement' for labelmap action" },
    };

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Rejects_what_upstream_rejects(RelabelConfig config, string expected)
    {
        Assert.Equal(expected, config.Validate());
        Assert.Throws<ArgumentException>(() => config.EnsureValid());
    }

    [Theory]
    [InlineData("a.b", NameValidationScheme.Utf8)]
    [InlineData("${1}_x", NameValidationScheme.Legacy)]
    [InlineData("$1", NameValidationScheme.Legacy)]
    [InlineData("foo_${name}bar", NameValidationScheme.Legacy)]
    public void Accepts_targets_upstream_accepts(string target, NameValidationScheme scheme)
    {
        Assert.Null(new RelabelConfig { TargetLabel = target, NameValidation = scheme }.Validate());
    }

    [Theory]
    [InlineData("a(")]
    [InlineData("[z-a]")]
    [InlineData("a{2,1}")]
    [InlineData("(?U)a")]
    [InlineData(@"(a)\1")]
    public void Bad_regexes_are_reported(string text)
    {
        Assert.False(RelabelRegex.TryParse(text, out _, out var error));
        Assert.StartsWith("error parsing regexp", error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("REPLACE", RelabelAction.Replace)]
    [InlineData("HashMod", RelabelAction.HashMod)]
    [InlineData("keepequal", RelabelAction.KeepEqual)]
    public void Actions_parse_case_insensitively(string text, RelabelAction expected)
    {
        Assert.True(RelabelActions.TryParse(text, out var action));
        Assert.Equal(expected, action);
        Assert.Equal(text.ToLowerInvariant(), action.ToConfigString());
    }

    [Fact]
    public void Go_leftmost_first_submatches()
    {
        // RE2 and Perl agree here: the first alternative that leads to a match wins.
        var re = RelabelRegex.Parse("(a|ab)(c|bcd)(d*)");
        var m = re.Match("abcd")!;
        Assert.Equal("a|bcd|", re.Expand("$1|$2|$3", m));
    }
}
