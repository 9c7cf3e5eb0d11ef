using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Chunks;

public sealed class XorChunkSeekTests
{
    // Timestamps 100, 200, 200, 300, 400; values are the sample indexes.
    private static readonly byte[] Chunk = XorChunkEncoder.Encode([new(100, 0), new(200, 1), new(200, 2), new(300, 3), new(400, 4)]);

    [Theory]
    [InlineData(long.MinValue, 100, 0)]
    [InlineData(0, 100, 0)]
    [InlineData(100, 100, 0)]
    [InlineData(101, 200, 1)]
    [InlineData(200, 200, 1)]
    [InlineData(201, 300, 3)]
    [InlineData(400, 400, 4)]
    public void Finds_first_sample_at_or_after(long target, long timestamp, double index)
    {
        var it = new XorChunkIterator(Chunk);
        Assert.True(it.Seek(target));
        Assert.Equal(timestamp, it.Timestamp);
        Assert.Equal(index, it.Value);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(long.MaxValue)]
    public void Past_the_end_is_exhausted(long target)
    {
        var it = new XorChunkIterator(Chunk);
        Assert.False(it.Seek(target));
        Assert.False(it.MoveNext());
        Assert.False(it.Seek(0));
    }

    [Fact]
    public void Never_moves_backwards()
    {
        var it = new XorChunkIterator(Chunk);
        Assert.True(it.Seek(300));
        Assert.True(it.Seek(100));
        Assert.Equal(300, it.Timestamp);
        Assert.True(it.Seek(300));
        Assert.Equal(3, it.Value);
        Assert.True(it.MoveNext());
        Assert.Equal(400, it.Timestamp);
    }

    [Fact]
    public void Continues_with_MoveNext_after_seek()
    {
        var it = new XorChunkIterator(Chunk);
        Assert.True(it.MoveNext());
        Assert.True(it.Seek(150));
        Assert.Equal(1, it.Value);
        Assert.True(it.MoveNext());
        Assert.Equal(2, it.Value);
        Assert.True(it.MoveNext());
        Assert.Equal(3, it.Value);
    }
}
