using FsCheck;
using FsCheck.Fluent;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Tests.Bus;

public sealed class SampleMessageBuilderTests
{
    public static TheoryData<string, int, int, int> Cases => new()
    {
        // name, limit, series, samples per series
        { "Storage Queue, small scrape", 49152, 300, 1 },
        { "Storage Queue, large scrape", 49152, 20_000, 1 },
        { "Event Hubs, large scrape", 1 << 20, 60_000, 1 },
        { "tiny limit, series with history", 2000, 400, 10 },
        { "tiny limit, one sample each", 300, 200, 1 },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Messages_fit_the_limit_and_carry_every_series_whole_and_in_order(string name, int limit, int seriesCount, int samplesPerSeries)
    {
        var series = BusTestData.Scrape(seriesCount, samplesPerSeries: samplesPerSeries);
        var builder = new SampleMessageBuilder(limit);

        var built = builder.Build(series);

        Assert.Empty(built.Dropped);
        Assert.All(built.Messages, m => Assert.True(m.Length <= limit, $"{name}: a message has {m.Length} bytes, limit {limit}"));
        var decoded = built.Messages.SelectMany(m => RemoteWriteCodec.Decode(m).Series).ToList();
        // Every series is in exactly one message: none was cut, since each one fits on its own.
        Assert.Null(BusTestData.Difference(series, decoded));
        Assert.Equal(seriesCount * (long)samplesPerSeries, built.Samples);

        // Messages are reasonably full: no more than twice the minimum needed by compressed bytes.
        var minimum = (int)Math.Ceiling((double)built.Bytes / limit);
        Assert.True(built.Messages.Count <= Math.Max(2, 2 * minimum), $"{name}: {built.Messages.Count} messages for {built.Bytes} bytes");
    }

    [Fact]
    public void A_scrape_that_fits_is_one_message()
    {
        var built = new SampleMessageBuilder(49152).Build(BusTestData.Scrape(500));

        Assert.Single(built.Messages);
    }

    [Fact]
    public void Only_a_series_too_large_for_one_message_is_cut_and_its_pieces_reassemble()
    {
        var small = BusTestData.Scrape(50, seed: 2);
        var random = new Random(3);
        var hugeSamples = Enumerable.Range(0, 20_000).Select(i => new Sample(1_700_000_000_000L + (i * 15_000L), random.NextDouble())).ToArray();
        var huge = new SeriesSamples(LabelSet.FromStrings("__name__", "huge", "job", "x"), hugeSamples);
        SeriesSamples[] series = [small[0], huge, .. small[1..]];

        var built = new SampleMessageBuilder(8192).Build(series);

        Assert.All(built.Messages, m => Assert.True(m.Length <= 8192));
        var decoded = built.Messages.Select(m => RemoteWriteCodec.Decode(m).Series).ToList();
        Assert.True(decoded.Count(d => d.Any(s => s.Labels.MetricName == "huge")) > 1);
        // Small series are never cut: each appears once.
        Assert.All(small, s => Assert.Equal(1, decoded.SelectMany(d => d).Count(d => d.Labels.Equals(s.Labels))));
        Assert.Null(BusTestData.Difference(series, BusTestData.MergeAdjacent(decoded.SelectMany(d => d))));
    }

    [Fact]
    public void A_series_whose_labels_alone_exceed_the_limit_is_dropped_with_a_reason()
    {
        var random = new Random(4);
        var noise = string.Concat(Enumerable.Range(0, 3000).Select(_ => (char)random.Next('!', '~')));
        var oversized = new SeriesSamples(LabelSet.FromStrings("__name__", "big", "noise", noise), [new Sample(1, 1)]);
        var ok = BusTestData.Scrape(3);

        var built = new SampleMessageBuilder(1024).Build([ok[0], oversized, ok[1], ok[2]]);

        var dropped = Assert.Single(built.Dropped);
        Assert.Equal(oversized.Labels, dropped.Labels);
        Assert.Contains("more than the 1024-byte message limit", dropped.Reason, StringComparison.Ordinal);
        Assert.Null(BusTestData.Difference(ok, built.Messages.SelectMany(m => RemoteWriteCodec.Decode(m).Series).ToList()));
    }

    [Fact]
    public void Empty_input_gives_no_messages()
    {
        Assert.Empty(new SampleMessageBuilder(1000).Build([]).Messages);
    }

    [Fact]
    public void Arbitrary_series_split_under_arbitrary_limits_reassemble_exactly()
    {
        var cases =
            from series in BusTestData.SeriesList
            from limit in Gen.Elements(400, 1000, 4000, 49152)
            select (series: Distinct(series), limit);

        Prop.ForAll(cases.ToArbitrary(), c =>
        {
            var built = new SampleMessageBuilder(c.limit).Build(c.series);
            var kept = c.series.Where(s => !built.Dropped.Any(d => ReferenceEquals(d.Labels, s.Labels))).ToList();
            var decoded = BusTestData.MergeAdjacent(built.Messages.SelectMany(m => RemoteWriteCodec.Decode(m).Series));
            return built.Messages.All(m => m.Length <= c.limit)
                && BusTestData.Difference(kept, decoded) is null;
        }).Check(FsCheck.Config.QuickThrowOnFailure.WithMaxTest(200).WithQuietOnSuccess(true));
    }

    // Adjacent equal label sets would merge on reassembly; keep one of each.
    private static SeriesSamples[] Distinct(SeriesSamples[] series) =>
        series.DistinctBy(s => s.Labels).ToArray();
}
