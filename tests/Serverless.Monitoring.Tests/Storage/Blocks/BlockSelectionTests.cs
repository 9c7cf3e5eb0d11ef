using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Chunks;
using Serverless.Monitoring.Tests.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Blocks;

/// <summary>Selecting series by matchers and by time range.</summary>
public sealed class BlockSelectionTests
{
    private static readonly LabelSet[] Series =
    [
        LabelSet.FromStrings("__name__", "http_requests_total", "job", "api", "instance", "a", "code", "200"), // 0
        LabelSet.FromStrings("__name__", "http_requests_total", "job", "api", "instance", "b", "code", "500"), // 1
        LabelSet.FromStrings("__name__", "http_requests_total", "job", "web", "instance", "a"), // 2
        LabelSet.FromStrings("__name__", "up", "job", "api", "instance", "a"), // 3
        LabelSet.FromStrings("__name__", "up", "job", "web", "instance", "b", "env", "prod"), // 4
        LabelSet.FromStrings("__name__", "up", "job", "web", "instance", "c\nd"), // 5
        LabelSet.FromStrings("__name__", "node_load1", "instance", "b"), // 6
        LabelSet.FromStrings("__name__", "ünï", "job", "api", "instance", "ü"), // 7
    ];

    /// <summary>
    /// Matchers as "name op value" separated by ';' (op one of = != =~ !~), and the indexes of the
    /// series in <see cref="Series"/> they select.
    /// </summary>
    [Theory]
    [InlineData("job=api", new[] { 0, 1, 3, 7 })]
    [InlineData("job!=api", new[] { 2, 4, 5, 6 })] // node_load1 has no job: "" != "api"
    [InlineData("code=", new[] { 2, 3, 4, 5, 6, 7 })] // empty value: label absent
    [InlineData("code!=", new[] { 0, 1 })] // label present
    [InlineData("job=~a.*", new[] { 0, 1, 3, 7 })]
    [InlineData("job=~pi", new int[0])] // anchored
    [InlineData("job=~.*pi", new[] { 0, 1, 3, 7 })]
    [InlineData("job!~api|web", new[] { 6 })]
    [InlineData("job=~api|", new[] { 0, 1, 3, 6, 7 })] // the regex matches "", so series without job too
    [InlineData("job=~.*", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData("job=~.+", new[] { 0, 1, 2, 3, 4, 5, 7 })]
    [InlineData("instance=~c.d", new[] { 5 })] // . matches the newline
    [InlineData("instance=ü", new[] { 7 })]
    [InlineData("__name__=up;job=web", new[] { 4, 5 })]
    [InlineData("__name__=up;job=web;env!=prod", new[] { 5 })]
    [InlineData("__name__=~http.*;code=~2..|5..", new[] { 0, 1 })]
    [InlineData("__name__=~http.*;code!~5..", new[] { 0, 2 })]
    [InlineData("__name__!=up;instance=~a|b", new[] { 0, 1, 2, 6 })]
    [InlineData("job=api;job=web", new int[0])]
    [InlineData("job=api;instance!=a;instance!=ü", new[] { 1 })]
    [InlineData("nonexistent=", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData("nonexistent!=", new int[0])]
    [InlineData("nonexistent=x", new int[0])]
    [InlineData("nonexistent!~x", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })]
    [InlineData("job=nope", new int[0])]
    [InlineData("", new[] { 0, 1, 2, 3, 4, 5, 6, 7 })] // no matchers: everything
    public async Task Matchers_select_as_prometheus_does(string matchers, int[] expected)
    {
        var reader = await OpenAsync(Series.Select(l => (l, Regular(0, 10))));
        var selected = await reader.SeriesAsync(BlockTestData.ParseMatchers(matchers));

        var expectedSets = expected.Select(i => Series[i]).Order(Comparer<LabelSet>.Create(LabelSet.Compare)).ToList();
        Assert.Equal(expectedSets, selected.Select(s => s.Labels));
        Assert.Equal(selected.Select(s => s.Ref), await reader.PostingsAsync(BlockTestData.ParseMatchers(matchers)));
    }

    [Fact]
    public async Task Random_matchers_agree_with_evaluating_every_series()
    {
        var input = BlockTestData.MixedSeries(300, 11);
        var bytes = BlockTestData.Write(input, out _);
        var reader = await BlockTestData.StoreAndOpenAsync(new InMemoryBlobStore(), "m", bytes);
        var random = new Random(3);
        string[] names = ["__name__", "instance", "job", "shard", "utf8_ünïcödé", "serial", "absent"];
        string[] values = ["", "api", "db", "metric_3", "host-1", "host-1.*", "host-(1|2)", ".*", ".+", "3", "✓ yes", "metric_[0-3]", "nope"];
        for (var round = 0; round < 300; round++)
        {
            var matchers = Enumerable.Range(0, random.Next(1, 4))
                .Select(_ => LabelMatcher.Create((LabelMatchType)random.Next(4), names[random.Next(names.Length)], values[random.Next(values.Length)]))
                .ToArray();
            var expected = input.Select(s => s.Labels)
                .Where(l => matchers.All(m => m.Matches(l)))
                .Order(Comparer<LabelSet>.Create(LabelSet.Compare))
                .ToList();

            var actual = await reader.SeriesAsync(matchers);

            Assert.True(expected.SequenceEqual(actual.Select(s => s.Labels)), string.Join(", ", matchers.Select(m => m.ToString())));
        }
    }

    /// <summary>A series sampled every 10 ms from 0 to 990 in chunks of 10 samples, and one from 2000 to 2990.</summary>
    [Theory]
    [InlineData(long.MinValue, long.MaxValue, 200, 2)]
    [InlineData(0, 990, 100, 1)]
    [InlineData(0, 0, 1, 1)] // both ends inclusive
    [InlineData(990, 990, 1, 1)]
    [InlineData(995, 1999, 0, 0)] // the gap between the two series
    [InlineData(-100, -1, 0, 0)]
    [InlineData(3000, 4000, 0, 0)]
    [InlineData(95, 104, 1, 1)] // sample 100 only, from a chunk boundary
    [InlineData(500, 2500, 101, 2)]
    [InlineData(2990, long.MaxValue, 1, 1)]
    public async Task Time_ranges_select_chunks_and_samples(long minT, long maxT, int samples, int series)
    {
        var options = new BlockWriterOptions { Chunks = new ChunkOptions { TargetSamplesPerChunk = 10 } };
        var early = Regular(0, 100);
        var late = Regular(2000, 100);
        var writer = new BlockWriter(options);
        writer.Add(LabelSet.FromStrings("__name__", "early"), early);
        writer.Add(LabelSet.FromStrings("__name__", "late"), late);
        var store = new InMemoryBlobStore();
        var reader = await BlockTestData.StoreAndOpenAsync(store, "t", writer.ToArray(out _));

        var selected = await reader.SeriesAsync([], minT, maxT);
        var read = await BlockTestData.SelectAsync(reader, [], minT, maxT);

        Assert.Equal(series, selected.Count);
        Assert.All(selected, s => Assert.All(s.Chunks, c => Assert.True(c.Overlaps(minT, maxT))));
        Assert.Equal(samples, read.Sum(r => r.Samples.Count));
        var expected = early.Concat(late).Where(s => s.TimestampMs >= minT && s.TimestampMs <= maxT).ToList();
        ChunkAssert.BitExact(expected, read.SelectMany(r => r.Samples).OrderBy(s => s.TimestampMs).ToList());
    }

    [Fact]
    public async Task A_block_outside_the_range_is_not_read_at_all()
    {
        var inner = new InMemoryBlobStore();
        await inner.PutAsync("b", new MemoryStream(BlockTestData.Write(Series.Select(l => (l, Regular(1000, 10))), out _)));
        var store = new CountingBlobStore(inner);
        var reader = await BlockReader.OpenAsync(store, "b");
        store.Reset();

        Assert.Empty(await reader.SeriesAsync([LabelMatcher.Equal("job", "api")], 0, 999));
        Assert.Empty(await reader.SeriesAsync([LabelMatcher.Equal("job", "api")], 1091, 5000));
        Assert.Empty(await reader.SeriesAsync([LabelMatcher.Equal("job", "nope")]));
        Assert.Equal(0, store.Gets);
    }

    [Theory]
    [InlineData("job=api")]
    [InlineData("job!=api")]
    [InlineData("__name__=~http.*;code!~5..")]
    [InlineData("job=api;instance!=a;instance!=ü")]
    [InlineData("")]
    public async Task Postings_from_the_cache_select_the_same_series_without_reading_the_blob(string matchers)
    {
        var inner = new InMemoryBlobStore();
        await inner.PutAsync("p", new MemoryStream(BlockTestData.Write(Series.Select(l => (l, Regular(0, 10))), out _)));
        var store = new CountingBlobStore(inner);
        var index = await BlockReader.ReadIndexAsync(store, "p");
        var cache = new Core.Storage.Querying.BlockCache(1 << 20);
        var parsed = BlockTestData.ParseMatchers(matchers);
        var expected = await new BlockReader(store, index).PostingsAsync(parsed);

        store.Reset();
        Assert.Equal(expected, await new BlockReader(store, index, postingsCache: cache).PostingsAsync(parsed));
        Assert.True(store.Gets > 0, "a cold cache reads the postings");
        store.Reset();
        Assert.Equal(expected, await new BlockReader(store, index, postingsCache: cache).PostingsAsync(parsed));
        Assert.Equal(0, store.Gets);
    }

    private static Sample[] Regular(long start, int count) =>
        Enumerable.Range(0, count).Select(i => new Sample(start + (i * 10L), i)).ToArray();

    private static async Task<BlockReader> OpenAsync(IEnumerable<(LabelSet, Sample[])> series) =>
        await BlockTestData.StoreAndOpenAsync(new InMemoryBlobStore(), "sel", BlockTestData.Write(series, out _));
}
