using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>
/// In a range query, functions over a range selector run series by series with a sliding window,
/// and rate/increase/delta/irate/idelta take a window's ends directly when it holds no stale
/// marker (nor, for counters, a reset). Every step must equal, to the bit, the instant query at
/// that time, which copies the window and runs the function over it.
/// </summary>
public sealed class RangeWindowFunctionTests
{
    private const long Start = 1_000_000;

    private static readonly InMemorySeriesSource Source = Data();

    public static TheoryData<string> Queries => new()
    {
        "rate(c[1m])",
        "increase(c[90s])",
        "delta(c[1m])",
        "irate(c[1m])",
        "idelta(c[45s])",
        "rate(c[1m] offset 30s)",
        "sum by (kind) (rate(c[2m]))",
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Every_step_equals_the_instant_query_at_its_time(string query)
    {
        var engine = new PromQLEngine(Source);
        var expr = Parser.ParseExpr(query);
        const long step = 5_000;
        const long end = Start + (40 * 60_000);
        var range = await engine.RangeQueryAsync(expr, Start, end, step);
        var compared = 0;
        for (var t = Start; t <= end; t += step)
        {
            var instant = await engine.InstantQueryAsync(expr, t);
            var expected = instant.Series.ToDictionary(s => s.Labels, s => s.Points[0].Value);
            var actual = range.Series
                .SelectMany(s => s.Points.Where(p => p.TimestampMs == t).Select(p => (s.Labels, p.Value)))
                .ToDictionary(x => x.Labels, x => x.Value);
            Assert.Equal(expected.Keys.Order(Comparer<LabelSet>.Create(LabelSet.Compare)), actual.Keys.Order(Comparer<LabelSet>.Create(LabelSet.Compare)));
            foreach (var (labels, value) in expected)
            {
                Assert.True(
                    BitConverter.DoubleToInt64Bits(value) == BitConverter.DoubleToInt64Bits(actual[labels]),
                    $"{query} at {t} {labels}: instant {value:R}, range {actual[labels]:R}");
                compared++;
            }
        }

        Assert.True(compared > 500, $"only {compared} values compared");
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
