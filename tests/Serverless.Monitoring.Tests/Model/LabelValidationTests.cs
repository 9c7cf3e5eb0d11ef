using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Model;

public sealed class LabelValidationTests
{
    [Theory]
    [InlineData("a", true, true)]
    [InlineData("_", true, true)]
    [InlineData("__name__", true, true)]
    [InlineData("job_1", true, true)]
    [InlineData("A_Z09", true, true)]
    [InlineData("1job", false, true)]
    [InlineData("job:rate", false, true)]
    [InlineData("service.name", false, true)]
    [InlineData("über", false, true)]
    [InlineData("a b", false, true)]
    [InlineData("", false, false)]
    public void Label_names(string name, bool legacy, bool utf8)
    {
        Assert.Equal(legacy, LabelValidation.IsValidLegacyLabelName(name));
        Assert.Equal(utf8, LabelValidation.IsValidLabelName(name));
    }

    [Theory]
    [InlineData("up", true)]
    [InlineData("job:http_requests:rate5m", true)]
    [InlineData(":leading_colon", true)]
    [InlineData("_x", true)]
    [InlineData("9up", false)]
    [InlineData("http.requests", false)]
    [InlineData("", false)]
    public void Legacy_metric_names(string name, bool valid)
    {
        Assert.Equal(valid, LabelValidation.IsValidLegacyMetricName(name));
    }

    [Theory]
    [InlineData("", true)]
    [InlineData("anything goes \n 😀", true)]
    [InlineData("pair \uD83D\uDE00", true)]
    public void Label_values(string value, bool valid)
    {
        Assert.Equal(valid, LabelValidation.IsValidLabelValue(value));
    }

    [Fact]
    public void Unpaired_surrogates_are_not_utf8()
    {
        // Built at run time: attribute arguments cannot hold unpaired surrogates.
        string[] invalid = ["x\uD800", "\uDC00 low", "high \uD83D", "\uDE00\uD83D"];
        foreach (var s in invalid)
        {
            Assert.False(LabelValidation.IsValidUtf8(s));
            Assert.False(LabelValidation.IsValidLabelName(s));
            Assert.False(LabelValidation.IsValidLabelValue(s));
        }
    }

    [Fact]
    public void Reserved_names_start_with_two_underscores()
    {
        Assert.True(LabelValidation.IsReserved("__address__"));
        Assert.False(LabelValidation.IsReserved("_address"));
    }

    [Theory]
    [InlineData(new[] { "__name__", "up", "job", "x" }, null)]
    [InlineData(new[] { "__name__", "http.requests", "job", "x" }, "invalid metric name: http.requests")]
    [InlineData(new[] { "__name__", "up", "service.name", "x" }, "invalid label name: service.name")]
    [InlineData(new[] { "job", "x" }, null)]
    public void Legacy_validation_of_a_set(string[] pairs, string? reason)
    {
        Assert.Equal(reason, LabelValidation.ValidateLegacy(LabelSet.FromStrings(pairs)));
    }
}
