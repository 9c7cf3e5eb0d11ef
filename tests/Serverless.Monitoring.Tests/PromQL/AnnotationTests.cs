using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>The warnings and infos the engine gives for float queries, with Prometheus's texts and positions.</summary>
public class AnnotationTests
{
    private const string Monotonicity = "PromQL info: input to histogram_quantile needed to be fixed for monotonicity (see https://prometheus.io/docs/prometheus/latest/querying/functions/#histogram_quantile)";

    /// <summary>Query, evaluation time in minutes, expected annotations ("warn: text (pos)" / "info: text (pos)").</summary>
    public static TheoryData<string, int, string[]> InstantCases => new()
    {
        { "rate(requests[15m])", 15, ["info: PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"requests\" (1:6)"] },
        { "increase(requests[15m:5m])", 15, ["info: PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"requests\" (1:10)"] },
        { "rate(requests_total[15m])", 15, [] },
        { "rate(requests[1m])", 15, [] },
        { "delta(requests[15m])", 15, [] },
        { "quantile(1.5, requests)", 15, ["warn: PromQL warning: quantile value should be between 0 and 1, got 1.5 (1:10)"] },
        { "quantile(NaN, nothing)", 15, ["warn: PromQL warning: quantile value should be between 0 and 1, got NaN (1:10)"] },
        { "quantile_over_time(-1, requests[15m])", 15, ["warn: PromQL warning: quantile value should be between 0 and 1, got -1 (1:20)"] },
        { "quantile_over_time(-1, nothing[15m])", 15, [] },
        { "limit_ratio(1.1, requests)", 15, ["warn: PromQL warning: ratio value should be between -1 and 1, got 1.1, capping to 1 (1:13)"] },
        { "histogram_quantile(2, nothing)", 15, ["warn: PromQL warning: quantile value should be between 0 and 1, got 2 (1:20)"] },
        { "histogram_quantiles(nothing, \"q\", 0.5, 1e6)", 15, ["warn: PromQL warning: quantile value should be between 0 and 1, got 1e+06 (1:40)"] },
        { "histogram_quantile(0.5, lat_bucket)", 0, [$"info: {Monotonicity} for metric name \"lat_bucket\", from buckets 2 to 2, with a max diff of 2, over 1 samples from 1970-01-01T00:00:00Z to 1970-01-01T00:00:00Z (1:25)"] },
        { "histogram_quantile(0.5, bad_bucket)", 0, ["warn: PromQL warning: bucket label \"le\" is missing or has a malformed value of \"x\" for metric name \"bad_bucket\" (1:25)"] },
        { "histogram_fraction(0, 1, bad_bucket)", 0, ["warn: PromQL warning: bucket label \"le\" is missing or has a malformed value of \"x\" for metric name \"bad_bucket\" (1:26)"] },
        { "requests </ requests", 15, ["info: PromQL info: incompatible sample types encountered for binary operator \"</\": float </ float (1:1)"] },
        { "requests >/ 1", 15, [] },
        { "sort(requests)", 15, [] },
        { "max_over_time(sort(requests)[10m:5m])", 15, ["warn: PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:15)"] },
        { "max_over_time(sort(requests)[5m:5m])", 15, [] },
    };

    [Theory]
    [MemberData(nameof(InstantCases))]
    public async Task InstantQueryAnnotations(string query, int minutes, string[] expected)
    {
        var result = await new PromQLEngine(Source()).InstantQueryAsync(Parser.ParseExpr(query), minutes * 60_000L);
        Assert.Equal(expected, Describe(result, query));
    }

    [Fact]
    public async Task SortInARangeQueryWarnsAtTheSortCall()
    {
        const string query = "sum(sort_desc(requests))";
        var result = await new PromQLEngine(Source()).RangeQueryAsync(Parser.ParseExpr(query), 0, 600_000, 300_000);
        Assert.Equal(["warn: PromQL warning: sort is ineffective for range queries since results are always ordered by labels (1:5)"], Describe(result, query));
    }

    /// <summary>
    /// Range queries (0 to 15m every 5m) whose functions over range selectors run series by series
    /// for all steps, and their annotations: those of the instant queries at the steps, merged.
    /// </summary>
    public static TheoryData<string, string[]> RangeCases => new()
    {
        // At 0 the 6m window holds one sample (no result, no info); from 5m on it holds two.
        { "rate(requests[6m])", ["info: PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"requests\" (1:6)"] },
        { "sum by (job) (increase(requests[6m]))", ["info: PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"requests\" (1:24)"] },
        { "rate(requests[5m])", [] }, // one sample in every window
        { "rate(requests_total[6m])", [] },
        { "max_over_time(requests[6m])", [] },
        { "quantile(2, rate(requests_total[6m]))", ["warn: PromQL warning: quantile value should be between 0 and 1, got 2 (1:10)"] },
    };

    [Theory]
    [MemberData(nameof(RangeCases))]
    public async Task RangeQueryAnnotationsAreThoseOfItsSteps(string query, string[] expected)
    {
        var engine = new PromQLEngine(Source());
        var expr = Parser.ParseExpr(query);
        var range = Describe(await engine.RangeQueryAsync(expr, 0, 900_000, 300_000), query);
        Assert.Equal(expected, range);

        var steps = new List<string>();
        for (var t = 0L; t <= 900_000; t += 300_000)
        {
            steps.AddRange(Describe(await engine.InstantQueryAsync(expr, t), query));
        }

        Assert.Equal(expected, steps.Distinct());
    }

    [Fact]
    public async Task MonotonicityFixUpsMergeAcrossStepsIntoOneInfo()
    {
        const string query = "histogram_quantile(0.5, lat_bucket)";
        var result = await new PromQLEngine(Source()).RangeQueryAsync(Parser.ParseExpr(query), 0, 600_000, 300_000);
        Assert.Equal([$"info: {Monotonicity} for metric name \"lat_bucket\", from buckets 2 to 2, with a max diff of 2, over 3 samples from 1970-01-01T00:00:00Z to 1970-01-01T00:10:00Z (1:25)"], Describe(result, query));
    }

    [Theory]
    [InlineData(false, "rate(typed[15m])", "PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: \"typed\" (1:6)")]
    [InlineData(true, "rate(typed[15m])", "PromQL info: metric might not be a counter, __type__ label is not set to \"counter\" or \"histogram\", got \"gauge\": \"typed\" (1:6)")]
    [InlineData(true, "rate(requests[15m])", "PromQL info: metric might not be a counter, __type__ label is not set to \"counter\" or \"histogram\", got \"\": \"requests\" (1:6)")]
    [InlineData(true, "rate(typed_counter[15m])", null)]
    public async Task TypeAndUnitLabelsJudgeCountersByTheirTypeLabel(bool typeAndUnitLabels, string query, string? expected)
    {
        var engine = new PromQLEngine(Source(), new PromQLEngineOptions { EnableTypeAndUnitLabels = typeAndUnitLabels });
        var result = await engine.InstantQueryAsync(Parser.ParseExpr(query), 15 * 60_000L);
        Assert.Equal(expected is null ? [] : ["info: " + expected], Describe(result, query));
    }

    [Theory]
    [InlineData(1e6, -1, "1e+06")]
    [InlineData(100000, -1, "100000")]
    [InlineData(1.1, -1, "1.1")]
    [InlineData(0.000012345, -1, "1.2345e-05")]
    [InlineData(double.NaN, -1, "NaN")]
    [InlineData(0.5, 2, "0.5")]
    [InlineData(12, 2, "12")]
    [InlineData(123, 2, "1.2e+02")]
    [InlineData(0.000123, 2, "0.00012")]
    [InlineData(0.0000123, 2, "1.2e-05")]
    public void GoFloatFormatsAsPercentG(double value, int precision, string expected) =>
        Assert.Equal(expected, GoFloat.FormatG(value, precision));

    private static string[] Describe(QueryResult result, string query) =>
        [.. result.Annotations.Select(a => (a.Severity == AnnotationSeverity.Warning ? "warn: " : "info: ") + a.Format(query))];

    private static InMemorySeriesSource Source()
    {
        var source = new InMemorySeriesSource();
        foreach (var (series, values) in (ReadOnlySpan<(string, double[])>)[
            ("requests{job=\"a\"}", [0, 10, 20, 30]),
            ("requests_total{job=\"a\"}", [0, 10, 20, 30]),
            ("typed{__type__=\"gauge\"}", [0, 1, 2, 3]),
            ("typed_counter{__type__=\"counter\"}", [0, 1, 2, 3]),
            ("lat_bucket{le=\"1\"}", [5, 5, 5]),
            ("lat_bucket{le=\"2\"}", [3, 3, 3]),
            ("lat_bucket{le=\"+Inf\"}", [10, 10, 10]),
            ("bad_bucket{le=\"x\"}", [1]),
        ])
        {
            var labels = SeriesDescription.Parse(series + " 0").Labels;
            for (var i = 0; i < values.Length; i++)
            {
                source.Add(labels, i * 300_000L, values[i]);
            }
        }

        return source;
    }
}
