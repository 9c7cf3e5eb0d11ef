using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Xunit.Abstractions;

namespace Serverless.Monitoring.Tests.PromQL;

public class SeriesDescriptionTests(ITestOutputHelper output)
{
    public static TheoryData<string, string, string> Cases => new()
    {
        { "metric 1 2 3", "{__name__=\"metric\"}", "1 2 3" },
        { "metric{a=\"b\"} 1+2x3", "{__name__=\"metric\", a=\"b\"}", "1 3 5 7" },
        { "metric 1-1x2", "{__name__=\"metric\"}", "1 0 -1" },
        { "metric -1-1x2", "{__name__=\"metric\"}", "-1 -2 -3" },
        { "metric 5x3", "{__name__=\"metric\"}", "5 5 5 5" },
        { "metric 1 _ 3", "{__name__=\"metric\"}", "1 _ 3" },
        { "metric _x3 1", "{__name__=\"metric\"}", "_ _ _ 1" },
        { "metric 1 stale 2", "{__name__=\"metric\"}", "1 stale 2" },
        { "metric Inf -Inf NaN", "{__name__=\"metric\"}", "Infinity -Infinity NaN" },
        { "metric 1e3 1.5e-1", "{__name__=\"metric\"}", "1000 0.15" },
        { "metric 0x10", "{__name__=\"metric\"}", "0 0 0 0 0 0 0 0 0 0 0" },
        { "{__name__=\"a:b\", job=\"x\"} 1", "{__name__=\"a:b\", job=\"x\"}", "1" },
        { "{\"my.metric\"=\"v\"} 1", "{\"my.metric\"=\"v\"}", "1" },
        { "sum{x='y'} 1", "{__name__=\"sum\", x=\"y\"}", "1" },
        { "metric{a=\"b\\\"c\"} 0+1x2", "{__name__=\"metric\", a=\"b\\\"c\"}", "0 1 2" },
        { "metric", "{__name__=\"metric\"}", "" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void ExpandsValues(string input, string labels, string values)
    {
        var (set, vals) = SeriesDescription.Parse(input);
        Assert.Equal(labels, set.ToString());
        var rendered = string.Join(' ', vals.Select(v => v.Omitted ? "_" : StaleMarker.IsStale(v.Value) ? "stale" : v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(values, rendered);
    }

    [Theory]
    [InlineData("metric {{schema:0 sum:1 count:1}}", "H")]
    [InlineData("metric 1 1 {{schema:0 sum:1 count:1}}", "1 1 H")]
    [InlineData("metric {{schema:0 sum:1 count:1}}x2 _ 3", "H H H _ 3")]
    [InlineData("metric 0 {{schema:0 sum:1 count:1}}+{{schema:0 sum:2 count:2}}x1 5", "0 H H 5")]
    [InlineData("metric{a=\"b\"} {{schema:-53 sum:1 count:1 custom_values:[1 2] buckets:[1]}}-{{sum:1 count:1}}x3", "H H H H")]
    public void MarksNativeHistogramStepsWhenAsked(string input, string steps)
    {
        var (_, vals) = SeriesDescription.Parse(input, nativeHistogramSteps: true);
        var rendered = string.Join(' ', vals.Select(v => v.NativeHistogram ? "H" : v.Omitted ? "_" : v.Value.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        Assert.Equal(steps, rendered);
    }

    [Theory]
    [InlineData("metric {{schema:0 sum:1 count:1}}", SeriesDescription.NativeHistogramsUnsupported)]
    [InlineData("metric 1 abc", "expected number or \"stale\"")]
    [InlineData("metric{a=b} 1", "unexpected identifier \"b\" in label set, expected string")]
    [InlineData("metric{a=\"b\" 1", "unexpected end of input inside braces")]
    [InlineData("metric 1+x3", "bad increment")]
    public void RejectsMalformedDescriptions(string input, string messagePart)
    {
        var ex = Assert.Throws<PromQLParseException>(() => SeriesDescription.Parse(input));
        Assert.Contains(messagePart, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EveryLoadLineOfTheScriptsParsesOrIsANativeHistogram()
    {
        var floats = 0;
        var histograms = 0;
        var failures = new List<string>();
        foreach (var (file, line, text) in PromQLTestData.SeriesDescriptions())
        {
            try
            {
                // With histogram steps marked, every line must parse.
                SeriesDescription.Parse(text, nativeHistogramSteps: true);
                SeriesDescription.Parse(text);
                floats++;
            }
            catch (PromQLParseException ex) when (ex.Error == SeriesDescription.NativeHistogramsUnsupported)
            {
                histograms++;
            }
            catch (PromQLParseException ex)
            {
                failures.Add($"{file}:{line}: {text} => {ex.Message}");
            }
        }

        output.WriteLine($"{floats} float series, {histograms} native histogram series skipped");
        Assert.Empty(failures);
    }
}
