using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Chunks;
using Serverless.Monitoring.Tests.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Blocks;

public sealed class BlockRoundTripTests
{
    private static readonly LabelMatcher[] Everything = [LabelMatcher.RegexMatch("__name__", ".+")];

    [Theory]
    [InlineData(1, 1)]
    [InlineData(50, 2)]
    [InlineData(700, 3)]
    public async Task Series_and_samples_round_trip_bit_exactly(int seriesCount, int seed)
    {
        var input = BlockTestData.MixedSeries(seriesCount, seed);
        var bytes = BlockTestData.Write(input, out var written);
        var store = new InMemoryBlobStore();
        var reader = await BlockTestData.StoreAndOpenAsync(store, "blocks/a", bytes);

        var read = await BlockTestData.SelectAsync(reader, Everything);

        var expected = input.OrderBy(s => s.Labels, Comparer<LabelSet>.Create(LabelSet.Compare)).ToList();
        Assert.Equal(expected.Count, read.Count);
        for (var i = 0; i < expected.Count; i++)
        {
            Assert.Equal(expected[i].Labels, read[i].Labels);
            ChunkAssert.BitExact(expected[i].Samples, read[i].Samples);
        }

        Assert.Equal(written, reader.Meta);
        Assert.Equal(bytes.Length, reader.Meta.SizeBytes);
        Assert.Equal(seriesCount, reader.Meta.NumSeries);
        Assert.Equal(input.Sum(s => s.Samples.Length), reader.Meta.NumSamples);
        Assert.Equal(input.Min(s => s.Samples[0].TimestampMs), reader.Meta.MinTimeMs);
        Assert.Equal(input.Max(s => s.Samples[^1].TimestampMs), reader.Meta.MaxTimeMs);
        Assert.Equal(0, reader.Meta.CompactionLevel);
        Assert.Empty(reader.Meta.Sources);
        Assert.Equal(written, await BlockReader.VerifyAsync(store, "blocks/a"));
    }

    [Fact]
    public async Task Special_values_survive_in_every_position()
    {
        // Each special value first, in the middle, last, repeated, and between ordinary values.
        var series = new List<(LabelSet, Sample[])>();
        for (var i = 0; i < BlockTestData.SpecialValues.Length; i++)
        {
            var special = BlockTestData.SpecialValues[i];
            double[] values = [special, 1, special, special, 2.5, -0.0, special];
            series.Add((LabelSet.FromStrings("__name__", "special", "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture)),
                values.Select((v, k) => new Sample((k * 15_000L) - 30_000, v)).ToArray()));
        }

        var bytes = BlockTestData.Write(series, out _);
        var reader = await BlockTestData.StoreAndOpenAsync(new InMemoryBlobStore(), "special", bytes);
        var read = await BlockTestData.SelectAsync(reader, [LabelMatcher.Equal("__name__", "special")]);

        Assert.Equal(series.Count, read.Count);
        foreach (var (labels, samples) in series)
        {
            ChunkAssert.BitExact(samples, read.Single(r => r.Labels == labels).Samples);
        }

        var stale = read.SelectMany(r => r.Samples).Count(s => StaleMarker.IsStale(s.Value));
        Assert.Equal(series.Sum(s => s.Item2.Count(x => StaleMarker.IsStale(x.Value))), stale);
    }

    [Fact]
    public async Task Pre_encoded_chunks_round_trip_and_match_the_sample_path()
    {
        var input = BlockTestData.MixedSeries(40, 9);
        var fromSamples = BlockTestData.Write(input, out var metaA);

        var writer = new BlockWriter();
        foreach (var (labels, samples) in input)
        {
            writer.AddChunks(labels, ChunkPacker.Pack(samples));
        }

        var fromChunks = writer.ToArray(out var metaB);

        Assert.Equal(fromSamples, fromChunks);
        Assert.Equal(metaA, metaB);
    }

    [Fact]
    public async Task Chunks_read_from_one_block_can_be_written_into_another()
    {
        var input = BlockTestData.MixedSeries(30, 4);
        var store = new InMemoryBlobStore();
        var reader = await BlockTestData.StoreAndOpenAsync(store, "src", BlockTestData.Write(input, out var source));
        var series = await reader.SeriesAsync(Everything);
        var chunks = await reader.ReadSeriesChunksAsync(series);

        var writer = new BlockWriter(new BlockWriterOptions { CompactionLevel = 1, Sources = [source.Id] });
        for (var i = 0; i < series.Count; i++)
        {
            writer.AddChunks(series[i].Labels, chunks[i].Select(c => c.ToEncodedChunk()));
        }

        var copy = writer.ToArray(out var meta);
        var copyReader = await BlockTestData.StoreAndOpenAsync(store, "copy", copy);

        Assert.Equal(1, copyReader.Meta.CompactionLevel);
        Assert.Equal([source.Id], copyReader.Meta.Sources);
        Assert.Equal(source.NumSamples, meta.NumSamples);
        Assert.NotEqual(source.Id, meta.Id);
        var original = await BlockTestData.SelectAsync(reader, Everything);
        var copied = await BlockTestData.SelectAsync(copyReader, Everything);
        Assert.Equal(original.Select(o => o.Labels), copied.Select(c => c.Labels));
        for (var i = 0; i < original.Count; i++)
        {
            ChunkAssert.BitExact(original[i].Samples, copied[i].Samples);
        }
    }

    [Fact]
    public async Task Label_names_and_values_come_from_the_index_without_reads()
    {
        var input = BlockTestData.MixedSeries(200, 5);
        var inner = new InMemoryBlobStore();
        await inner.PutAsync("b", new MemoryStream(BlockTestData.Write(input, out _)));
        var store = new CountingBlobStore(inner);
        var reader = await BlockReader.OpenAsync(store, "b");
        store.Reset();

        var names = input.SelectMany(s => s.Labels).Select(l => l.Name).Distinct().Order(Utf8Ordinal.Instance).ToList();
        Assert.Equal(names, reader.LabelNames());
        foreach (var name in names)
        {
            var values = input.Select(s => s.Labels.Get(name)).Where(v => v.Length > 0).Distinct().Order(Utf8Ordinal.Instance).ToList();
            Assert.Equal(values, reader.LabelValues(name));
        }

        Assert.Empty(reader.LabelValues("no_such_label"));
        Assert.Equal(0, store.Gets);

        // With matchers they come from the matching series.
        Assert.Equal(["api"], await reader.LabelValuesAsync("job", [LabelMatcher.Equal("job", "api")]));
        var dbNames = await reader.LabelNamesAsync([LabelMatcher.Equal("job", "db"), LabelMatcher.Equal("serial", "1")]);
        Assert.Equal(["__name__", "instance", "job", "serial", "shard"], dbNames);
    }

    [Fact]
    public async Task Index_can_be_cached_and_shared_between_readers()
    {
        var store = new InMemoryBlobStore();
        var bytes = BlockTestData.Write(BlockTestData.MixedSeries(20, 6), out var meta);
        await store.PutAsync("c", new MemoryStream(bytes));

        var index = await BlockReader.ReadIndexAsync(store, "c", bytes.Length);
        Assert.True(index.EstimatedSizeBytes > 0);
        Assert.Equal("c", index.Name);
        Assert.Equal(meta, index.Meta);

        var a = new BlockReader(store, index);
        var b = new BlockReader(store, index);
        var ra = await BlockTestData.SelectAsync(a, Everything);
        var rb = await BlockTestData.SelectAsync(b, Everything);
        Assert.Equal(ra.Select(r => r.Labels), rb.Select(r => r.Labels));
    }
}
