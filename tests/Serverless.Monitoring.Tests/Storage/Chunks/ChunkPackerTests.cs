using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Chunks;

public sealed class ChunkPackerTests
{
    private static Sample[] Regular(int count, long intervalMs = 15_000, long start = 0) =>
        Enumerable.Range(0, count).Select(i => new Sample(start + (i * intervalMs), i)).ToArray();

    [Theory]
    [InlineData(0, new int[0])]
    [InlineData(1, new[] { 1 })]
    [InlineData(120, new[] { 120 })]
    [InlineData(121, new[] { 61, 60 })]
    [InlineData(241, new[] { 81, 80, 80 })]
    [InlineData(250, new[] { 84, 83, 83 })]
    [InlineData(480, new[] { 120, 120, 120, 120 })]
    [InlineData(481, new[] { 97, 96, 96, 96, 96 })]
    public void Spreads_samples_evenly(int count, int[] sizes)
    {
        var options = new ChunkOptions { MaxChunkDurationMs = long.MaxValue };
        var chunks = ChunkPacker.Pack(Regular(count), options);

        Assert.Equal(sizes, chunks.Select(c => c.SampleCount));
    }

    [Fact]
    public void Cuts_at_the_time_bound()
    {
        // One sample a minute for three hours: a chunk spans less than two hours.
        var samples = Regular(180, 60_000);
        var chunks = ChunkPacker.Pack(samples, new ChunkOptions { TargetSamplesPerChunk = 1000 });

        Assert.Equal([120, 60], chunks.Select(c => c.SampleCount));
        Assert.Equal(0, chunks[0].MinTimeMs);
        Assert.Equal(119 * 60_000, chunks[0].MaxTimeMs);
        Assert.Equal(120 * 60_000, chunks[1].MinTimeMs);
        Assert.Equal(179 * 60_000, chunks[1].MaxTimeMs);
    }

    [Fact]
    public void Sparse_samples_get_their_own_chunks()
    {
        Sample[] samples = [new(0, 1), new(1, 2), new(10_000_000, 3), new(long.MaxValue, 4)];
        var chunks = ChunkPacker.Pack(samples);

        Assert.Equal([2, 1, 1], chunks.Select(c => c.SampleCount));
        ChunkAssert.BitExact(samples, chunks.SelectMany(c => ChunkAssert.Decode(c.Data)).ToList());
    }

    [Fact]
    public void Handles_the_whole_long_range()
    {
        Sample[] samples = [new(long.MinValue, 1), new(long.MaxValue, 2)];
        var chunks = ChunkPacker.Pack(samples, new ChunkOptions { MaxChunkDurationMs = long.MaxValue });

        Assert.Equal([1, 1], chunks.Select(c => c.SampleCount));
        Assert.Equal(long.MinValue, chunks[0].MinTimeMs);
        Assert.Equal(long.MaxValue, chunks[1].MaxTimeMs);
    }

    [Fact]
    public void Rejects_unsorted_series_and_bad_options()
    {
        Assert.Throws<ArgumentException>(() => ChunkPacker.Pack([new(2, 0), new(1, 0)]));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPacker.Pack([], new ChunkOptions { TargetSamplesPerChunk = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => ChunkPacker.Pack([], new ChunkOptions { MaxChunkDurationMs = 0 }));
    }

    [Fact]
    public void Default_options_are_prometheus_defaults()
    {
        Assert.Equal(120, ChunkOptions.Default.TargetSamplesPerChunk);
        Assert.Equal(7_200_000, ChunkOptions.Default.MaxChunkDurationMs);
    }

    [Fact]
    public void Regular_scrapes_compress_well()
    {
        var chunks = ChunkPacker.Pack(Regular(1200));
        var bytes = chunks.Sum(c => c.Data.Length);

        // A steadily increasing counter scraped on time: well under 2 bytes per sample.
        Assert.True(bytes < 1200 * 2, $"{bytes} bytes");
        var it = chunks[3].Iterator();
        Assert.True(it.MoveNext());
        Assert.Equal(360 * 15_000, it.Timestamp);
    }
}
