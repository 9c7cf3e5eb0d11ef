using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>
/// Functions over a range selector run series by series with a sliding window (range queries,
/// and instant queries as one step), and rate/increase/delta/irate/idelta take a window's ends
/// directly when it holds no stale marker (nor, for counters, a reset). Every value must equal,
/// to the bit, what step-by-step evaluation over a copied window gives.
/// </summary>
public sealed class RangeWindowFunctionTests
{
    private const long Start = 1_000_000;

    private static readonly InMemorySeriesSource Source = Data();

    private static readonly PromQLEngine SeriesMajor = new(Source);

    private static readonly PromQLEngine StepByStep = new(Source, new PromQLEngineOptions { SeriesMajorRangeFunctions = false });

    public static TheoryData<string> Queries => new()
    {
        "rate(c[1m])",
        "increase(c[90s])",
        "delta(c[1m])",
        "irate(c[1m])",
        "idelta(c[45s])",
        "rate(c[1m] offset 30s)",
        "sum by (kind) (rate(c[2m]))",
        "max_over_time(c[1m])",
        "count_over_time(c[2m])",
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task A_range_query_equals_step_by_step_evaluation(string query)
    {
        var expr = Parser.ParseExpr(query);
        const long end = Start + (40 * 60_000);
        var expected = await StepByStep.RangeQueryAsync(expr, Start, end, 5_000);
        var actual = await SeriesMajor.RangeQueryAsync(expr, Start, end, 5_000);
        AssertBitIdentical(query, expected, actual, minimumValues: 500);
    }

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Instant_queries_equal_step_by_step_evaluation(string query)
    {
        var expr = Parser.ParseExpr(query);
        var compared = 0;
        for (var t = Start; t <= Start + (40 * 60_000); t += 37_000)
        {
            var expected = await StepByStep.InstantQueryAsync(expr, t);
            var actual = await SeriesMajor.InstantQueryAsync(expr, t);
            compared += AssertBitIdentical($"{query} at {t}", expected, actual, minimumValues: 0);
        }

        Assert.True(compared > 100, $"only {compared} values compared");
    }

    private static int AssertBitIdentical(string what, QueryResult expected, QueryResult actual, int minimumValues)
    {
        var byLabels = Comparer<LabelSet>.Create(LabelSet.Compare);
        Assert.Equal(expected.Series.Select(s => s.Labels).Order(byLabels), actual.Series.Select(s => s.Labels).Order(byLabels));
        var actualByLabels = actual.Series.ToDictionary(s => s.Labels);
        var compared = 0;
        foreach (var series in expected.Series)
        {
            var points = actualByLabels[series.Labels].Points;
            Assert.Equal(series.Points.Select(p => p.TimestampMs), points.Select(p => p.TimestampMs));
            for (var i = 0; i < points.Count; i++)
            {
                Assert.True(
                    BitConverter.DoubleToInt64Bits(series.Points[i].Value) == BitConverter.DoubleToInt64Bits(points[i].Value),
                    $"{what} {series.Labels} at {points[i].TimestampMs}: step by step {series.Points[i].Value:R}, series by series {points[i].Value:R}");
                compared++;
            }
        }

        Assert.True(compared >= minimumValues, $"{what}: only {compared} values compared");
        return compared;
    }

    private static InMemorySeriesSource Data()
    {
        // Counters scraped every 15 s with jitter: one steady, one with resets, one with stale
        // markers (a target that went away and came back), one with NaN and negative values.
        var source = new InMemorySeriesSource();
        var random = new Random(11);
        var kinds = new[] { "steady", "resets", "stale", "odd" };
        foreach (var kind in kinds)
        {
            var labels = LabelSet.FromStrings("__name__", "c", "kind", kind);
            var value = 100.0 + random.NextDouble();
            for (var i = 0; i < 180; i++)
            {
                var t = Start - 120_000 + (i * 15_000) + random.Next(0, 900);
                value += random.NextDouble() * 37.3;
                switch (kind)
                {
                    case "resets" when i % 23 == 7:
                        value = random.NextDouble() * 5;
                        break;
                    case "stale" when i % 29 is 11 or 12:
                        source.Add(labels, t, StaleMarker.Value);
                        continue;
                    case "odd" when i % 31 == 5:
                        source.Add(labels, t, double.NaN);
                        continue;
                    case "odd" when i % 17 == 3:
                        value = -value / 3;
                        break;
                }

                source.Add(labels, t, value);
            }
        }

        return source;
    }
}
