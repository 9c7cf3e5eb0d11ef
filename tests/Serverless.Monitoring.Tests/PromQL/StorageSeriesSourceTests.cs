using System.Globalization;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Storage.Conformance;
using Serverless.Monitoring.Tests.Storage.Engine;

namespace Serverless.Monitoring.Tests.PromQL;

/// <summary>
/// The PromQL engine over the storage engine (local disk) answers exactly as over the in-memory
/// source given the same samples: StorageSeriesSource selects the same series and samples,
/// staleness markers included.
/// </summary>
public sealed class StorageSeriesSourceTests : IDisposable
{
    private const long Minute = 60_000;
    private const long Step = 15_000;
    private const int Count = 160; // 40 minutes

    private static readonly DateTimeOffset Now = new(2024, 3, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>Data starts one day before "now", as in the storage engine suites.</summary>
    private static readonly long Base = Now.ToUnixTimeMilliseconds() - (24 * 60 * Minute);

    /// <summary>Ten minutes in, in seconds for <c>@</c>.</summary>
    private static readonly string TenMinutesIn = ((Base / 1000) + 600).ToString(CultureInfo.InvariantCulture);

    private readonly LocalDiskProviderScope _disk = new();

    /// <summary>Queries, each run as instant queries at several times and as a range query.</summary>
    public static TheoryData<string> Queries => new()
    {
        "http_requests_total",
        "rate(http_requests_total[5m])",
        "increase(http_requests_total{instance=\"1\"}[10m])", // counter resets
        "sum by (job) (rate(http_requests_total[5m]))",
        "http_requests_total offset 5m",
        "rate(http_requests_total[5m] offset 90s)",
        $"http_requests_total @ {TenMinutesIn}.5", // between samples
        $"rate(http_requests_total[5m] @ {TenMinutesIn})",
        $"sum(http_requests_total @ {TenMinutesIn}) - sum(http_requests_total)",
        "max_over_time(rate(http_requests_total[2m])[10m:1m])",
        "avg_over_time(http_requests_total[10m:45s] offset 2m)",
        "temperature", // a staleness marker at 20 min, no samples until 25 min
        "count_over_time(temperature[3m])",
        "last_over_time(temperature[10m])",
        "absent(temperature)",
        "timestamp(temperature)",
    };

    public void Dispose() => _disk.Dispose();

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Queries_over_storage_equal_queries_over_memory(string query)
    {
        var (stored, memory) = await LoadAsync();
        var expr = Parser.ParseExpr(query);
        var overStorage = new PromQLEngine(new StorageSeriesSource(stored));
        var overMemory = new PromQLEngine(memory);

        var compared = 0;
        foreach (var at in new[] { Base, Base + (10 * Minute) + 7_000, Base + (20 * Minute), Base + (21 * Minute), Base + (26 * Minute), Base + (39 * Minute) + 59_000 })
        {
            var want = await overMemory.InstantQueryAsync(expr, at);
            var got = await overStorage.InstantQueryAsync(expr, at);
            AssertSame(want, got, $"{query} at {at - Base} ms");
            compared += want.Series.Count;
        }

        var wantRange = await overMemory.RangeQueryAsync(expr, Base - (5 * Minute), Base + (45 * Minute), 30_000);
        var gotRange = await overStorage.RangeQueryAsync(expr, Base - (5 * Minute), Base + (45 * Minute), 30_000);
        AssertSame(wantRange, gotRange, $"{query} over the range");
        compared += wantRange.Series.Sum(s => s.Points.Count);
        Assert.True(compared > 0, "nothing was compared");
    }

    [Fact]
    public async Task The_staleness_marker_survives_storage()
    {
        var (stored, _) = await LoadAsync();
        var engine = new PromQLEngine(new StorageSeriesSource(stored));
        var expr = Parser.ParseExpr("temperature");

        Assert.Single((await engine.InstantQueryAsync(expr, Base + (20 * Minute) - 1)).Series);
        Assert.Empty((await engine.InstantQueryAsync(expr, Base + (20 * Minute))).Series);
        Assert.Empty((await engine.InstantQueryAsync(expr, Base + (24 * Minute))).Series);
        Assert.Single((await engine.InstantQueryAsync(expr, Base + (25 * Minute))).Series);
    }

    /// <summary>The same samples into a storage engine (two batches, so two blocks merge) and into memory.</summary>
    private async Task<(StorageEngine Stored, InMemorySeriesSource Memory)> LoadAsync()
    {
        var id = Guid.NewGuid().ToString("N")[..20];
        var options = new StorageEngineOptions
        {
            BlockContainer = "tsdb-" + id,
            CatalogTable = "cat" + id,
            LabelIndexTable = "lbl" + id,
            CacheSizeBytes = 4 << 20,
        };
        var stored = await StorageEngine.OpenAsync(_disk.Provider, options, new ManualTimeProvider(Now));
        var memory = new InMemorySeriesSource();

        var series = Data().ToList();
        foreach (var (name, half) in new[] { ("first", 0), ("second", 1) })
        {
            var batch = series
                .Select(s => new SeriesSamples(s.Labels, s.Samples.Where(p => (p.TimestampMs - Base < 20 * Minute ? 0 : 1) == half).ToArray()))
                .Where(s => s.Samples.Count > 0)
                .ToArray();
            await stored.IngestAsync(new SampleBatch(name, batch));
        }

        foreach (var s in series)
        {
            foreach (var p in s.Samples)
            {
                memory.Add(s.Labels, p.TimestampMs, p.Value);
            }
        }

        return (stored, memory);
    }

    private static IEnumerable<SeriesSamples> Data()
    {
        yield return Make(["job", "api", "instance", "0"], i => i * 3);
        yield return Make(["job", "api", "instance", "1"], i => (i * 5) % 400);
        yield return Make(["job", "db", "instance", "0"], i => (i * 2) + 10.5);

        // A gauge that goes stale at 20 minutes and comes back at 25.
        var temperature = LabelSet.FromStrings(["__name__", "temperature", "room", "a"]);
        var points = new List<Sample>();
        for (var i = 0; i < Count; i++)
        {
            var t = Base + (i * Step);
            if (i == 80)
            {
                points.Add(new Sample(t, StaleMarker.Value));
            }
            else if (i is < 80 or >= 100)
            {
                points.Add(new Sample(t, 20 + (i % 7 * 0.25)));
            }
        }

        yield return new SeriesSamples(temperature, points);

        static SeriesSamples Make(string[] pairs, Func<int, double> value) =>
            new(
                LabelSet.FromStrings(["__name__", "http_requests_total", .. pairs]),
                Enumerable.Range(0, Count).Select(i => new Sample(Base + (i * Step), value(i))).ToArray());
    }

    private static void AssertSame(QueryResult want, QueryResult got, string what)
    {
        Assert.Equal(want.Type, got.Type);
        Assert.Equal(want.Scalar.TimestampMs, got.Scalar.TimestampMs);
        Assert.Equal(BitConverter.DoubleToUInt64Bits(want.Scalar.Value), BitConverter.DoubleToUInt64Bits(got.Scalar.Value));
        Assert.True(want.Series.Count == got.Series.Count, $"{what}: {want.Series.Count} series expected, {got.Series.Count} got");
        for (var i = 0; i < want.Series.Count; i++)
        {
            Assert.Equal(want.Series[i].Labels, got.Series[i].Labels);
            var w = want.Series[i].Points.Select(p => (p.TimestampMs, BitConverter.DoubleToUInt64Bits(p.Value)));
            var g = got.Series[i].Points.Select(p => (p.TimestampMs, BitConverter.DoubleToUInt64Bits(p.Value)));
            Assert.True(w.SequenceEqual(g), $"{what}: points of {want.Series[i].Labels} differ");
        }

        Assert.Equal(want.Warnings, got.Warnings);
        Assert.Equal(want.Infos, got.Infos);
    }
}
