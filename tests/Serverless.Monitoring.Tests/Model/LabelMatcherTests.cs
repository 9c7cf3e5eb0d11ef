using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Model;

public sealed class LabelMatcherTests
{
    [Theory]
    [InlineData(LabelMatchType.Equal, "api", "api", true)]
    [InlineData(LabelMatchType.Equal, "api", "API", false)]
    [InlineData(LabelMatchType.Equal, "api", "", false)]
    [InlineData(LabelMatchType.Equal, "", "", true)]
    [InlineData(LabelMatchType.Equal, "", "x", false)]
    [InlineData(LabelMatchType.NotEqual, "api", "web", true)]
    [InlineData(LabelMatchType.NotEqual, "api", "", true)]
    [InlineData(LabelMatchType.NotEqual, "", "", false)]
    [InlineData(LabelMatchType.NotEqual, "", "x", true)]
    [InlineData(LabelMatchType.RegexMatch, "a.*", "api", true)]
    [InlineData(LabelMatchType.RegexMatch, "pi", "api", false)] // fully anchored
    [InlineData(LabelMatchType.RegexMatch, "ap", "api", false)]
    [InlineData(LabelMatchType.RegexMatch, "api|web", "web", true)]
    [InlineData(LabelMatchType.RegexMatch, "api|web", "webx", false)]
    [InlineData(LabelMatchType.RegexMatch, "a.c", "a\nc", true)] // . matches newline, as in Prometheus 3
    [InlineData(LabelMatchType.RegexMatch, "abc", "abc\n", false)] // no match before a trailing newline
    [InlineData(LabelMatchType.RegexMatch, ".*", "", true)]
    [InlineData(LabelMatchType.RegexMatch, ".*", "any\nthing", true)]
    [InlineData(LabelMatchType.RegexMatch, ".+", "", false)]
    [InlineData(LabelMatchType.RegexMatch, ".+", "x", true)]
    [InlineData(LabelMatchType.RegexMatch, "", "", true)]
    [InlineData(LabelMatchType.RegexMatch, "", "x", false)]
    [InlineData(LabelMatchType.RegexMatch, "x|", "", true)]
    [InlineData(LabelMatchType.RegexMatch, "(?i)API", "api", true)]
    [InlineData(LabelMatchType.RegexMatch, "ü+", "üü", true)]
    [InlineData(LabelMatchType.RegexNoMatch, "a.*", "api", false)]
    [InlineData(LabelMatchType.RegexNoMatch, "a.*", "web", true)]
    [InlineData(LabelMatchType.RegexNoMatch, "a.*", "", true)]
    [InlineData(LabelMatchType.RegexNoMatch, ".*", "", false)]
    [InlineData(LabelMatchType.RegexNoMatch, ".+", "", true)]
    public void Matches_values_as_prometheus_does(LabelMatchType type, string pattern, string value, bool expected)
    {
        var m = LabelMatcher.Create(type, "job", pattern);
        Assert.Equal(expected, m.Matches(value));
        Assert.Equal(m.Matches(""), m.MatchesEmpty);
    }

    [Fact]
    public void An_absent_label_reads_as_empty()
    {
        var labels = LabelSet.FromStrings("__name__", "up", "job", "api");
        Assert.True(LabelMatcher.Equal("env", "").Matches(labels));
        Assert.False(LabelMatcher.NotEqual("env", "").Matches(labels));
        Assert.True(LabelMatcher.NotEqual("env", "prod").Matches(labels));
        Assert.True(LabelMatcher.RegexMatch("env", "prod|").Matches(labels));
        Assert.False(LabelMatcher.RegexMatch("env", "prod").Matches(labels));
        Assert.True(LabelMatcher.RegexNoMatch("env", "prod").Matches(labels));
        Assert.True(LabelMatcher.Equal("job", "api").Matches(labels));
    }

    [Theory]
    [InlineData(LabelMatchType.Equal, "job", "api", "job=\"api\"")]
    [InlineData(LabelMatchType.NotEqual, "job", "a\"b", "job!=\"a\\\"b\"")]
    [InlineData(LabelMatchType.RegexMatch, "job", "a|b", "job=~\"a|b\"")]
    [InlineData(LabelMatchType.RegexNoMatch, "job", "\\d+", "job!~\"\\\\d+\"")]
    [InlineData(LabelMatchType.Equal, "service.name", "x", "\"service.name\"=\"x\"")]
    public void Formats_as_promql(LabelMatchType type, string name, string value, string expected) =>
        Assert.Equal(expected, LabelMatcher.Create(type, name, value).ToString());

    [Theory]
    [InlineData("(")]
    [InlineData("a[")]
    [InlineData("(?=a)a")] // lookahead: RE2 has none
    [InlineData("(a)\\1")] // backreference: RE2 has none
    public void Rejects_bad_or_unsupported_regexes(string pattern)
    {
        Assert.ThrowsAny<ArgumentException>(() => LabelMatcher.RegexMatch("job", pattern));
    }

    [Fact]
    public void Rejects_empty_names_and_compares_by_value()
    {
        Assert.ThrowsAny<ArgumentException>(() => LabelMatcher.Equal("", "x"));
        Assert.Equal(LabelMatcher.RegexMatch("a", "b.*"), LabelMatcher.RegexMatch("a", "b.*"));
        Assert.NotEqual(LabelMatcher.RegexMatch("a", "b.*"), LabelMatcher.RegexNoMatch("a", "b.*"));
        Assert.Equal(LabelMatcher.Equal("a", "b").GetHashCode(), LabelMatcher.Equal("a", "b").GetHashCode());
    }
}
