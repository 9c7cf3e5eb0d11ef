using System.Buffers;
using System.IO.Hashing;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Blocks;

public sealed class BlockWriterTests
{
    private const string GoldenId = "01HF7YAT005WYTJ1WK82V3VC4N";
    private const int GoldenLength = 466;
    private const string GoldenHash = "be37374c6e1c47a2";

    private static readonly (LabelSet Labels, Sample[] Samples)[] Small =
    [
        (LabelSet.FromStrings("__name__", "up", "job", "api", "instance", "a:9100"), [new(1_700_000_000_000, 1), new(1_700_000_015_000, 1)]),
        (LabelSet.FromStrings("__name__", "up", "job", "api", "instance", "b:9100"), [new(1_700_000_001_000, 0), new(1_700_000_016_000, StaleMarker.Value)]),
        (LabelSet.FromStrings("__name__", "node_load1", "instance", "a:9100"), [new(1_700_000_000_000, 0.25), new(1_700_000_015_000, double.NaN)]),
    ];

    [Fact]
    public void Output_does_not_depend_on_the_order_series_are_added_in()
    {
        var input = BlockTestData.MixedSeries(120, 21);
        var a = BlockTestData.Write(input, out var metaA);
        var b = BlockTestData.Write(Enumerable.Reverse(input), out var metaB);
        var c = BlockTestData.Write(input.OrderBy(s => s.Labels.Id.Value), out var metaC);

        Assert.Equal(a, b);
        Assert.Equal(a, c);
        Assert.Equal(metaA, metaB);
        Assert.Equal(metaA.Id, metaC.Id);
    }

    [Fact]
    public void Writing_twice_and_to_a_stream_gives_the_same_bytes()
    {
        var writer = new BlockWriter();
        foreach (var (labels, samples) in Small)
        {
            writer.Add(labels, samples);
        }

        var first = writer.ToArray(out var meta1);
        var second = writer.ToArray(out var meta2);
        using var stream = new MemoryStream();
        var meta3 = writer.WriteTo(stream);

        Assert.Equal(first, second);
        Assert.Equal(first, stream.ToArray());
        Assert.Equal(meta1, meta2);
        Assert.Equal(meta1, meta3);
        Assert.Equal(first.Length, meta1.SizeBytes);
    }

    /// <summary>
    /// Pins the bytes of a small block: a change here is a change of the on-disk format, which
    /// must come with a new <see cref="BlockFormat.Version"/>.
    /// </summary>
    [Fact]
    public void Format_is_pinned()
    {
        var bytes = BlockTestData.Write(Small, out var meta);

        Assert.Equal("01HF7YAT00", meta.Id[..10]); // the time part: 1_700_000_000_000 ms
        Assert.Equal(GoldenId, meta.Id);
        Assert.Equal(GoldenLength, bytes.Length);
        Assert.Equal(GoldenHash, XxHash64.HashToUInt64(bytes).ToString("x16", System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>The benchmark data set must be the same in every process, so its size is comparable between runs.</summary>
    [Fact]
    public void Synthetic_data_set_is_pinned()
    {
        var bytes = BlockTestData.Write(NodeExporterData.Generate(new NodeExporterData.Options { Instances = 1 }), out var meta);

        Assert.Equal(330, meta.NumSeries);
        Assert.Equal(330 * 480, meta.NumSamples);
        Assert.Equal("1a3d1918173c1bdb 613625", XxHash64.HashToUInt64(bytes).ToString("x16", System.Globalization.CultureInfo.InvariantCulture) + " " + bytes.Length);
    }

    [Fact]
    public void Derived_ids_change_with_content_level_and_sources_but_explicit_ids_are_kept()
    {
        var baseline = BlockTestData.Write(Small, out var meta);
        Assert.True(BlockId.IsValid(meta.Id));
        Assert.Equal(26, meta.Id.Length);

        var changed = Small.ToArray();
        changed[0] = (changed[0].Labels, [new(1_700_000_000_000, 1), new(1_700_000_015_000, 2)]);
        BlockTestData.Write(changed, out var changedMeta);
        Assert.NotEqual(meta.Id, changedMeta.Id);

        BlockTestData.Write(Small, out var level1, new BlockWriterOptions { CompactionLevel = 1 });
        BlockTestData.Write(Small, out var sourced, new BlockWriterOptions { Sources = ["a", "b"] });
        BlockTestData.Write(Small, out var sourcedAgain, new BlockWriterOptions { Sources = ["b", "a", "b"] });
        Assert.NotEqual(meta.Id, level1.Id);
        Assert.NotEqual(meta.Id, sourced.Id);
        Assert.Equal(sourced.Id, sourcedAgain.Id);
        Assert.Equal(["a", "b"], sourcedAgain.Sources);

        var named = BlockTestData.Write(Small, out var namedMeta, new BlockWriterOptions { BlockId = "batch-42" });
        Assert.Equal("batch-42", namedMeta.Id);
        Assert.Equal(named, BlockTestData.Write(Small, out _, new BlockWriterOptions { BlockId = "batch-42" }));
        Assert.NotEqual(baseline, named);
    }

    [Fact]
    public void Generated_ids_sort_by_time()
    {
        BlockTestData.Write(Small, out var early);
        BlockTestData.Write(Small.Select(s => (s.Labels, s.Samples.Select(x => x with { TimestampMs = x.TimestampMs + 7_200_000 }).ToArray())), out var late);
        Assert.True(string.CompareOrdinal(early.Id, late.Id) < 0);

        var fromKey = BlockId.FromKey(1_700_000_000_000, "ingest/batch/7");
        Assert.Equal(fromKey, BlockId.FromKey(1_700_000_000_000, "ingest/batch/7"));
        Assert.NotEqual(fromKey, BlockId.FromKey(1_700_000_000_000, "ingest/batch/8"));
        Assert.True(BlockId.IsValid(fromKey));
        Assert.Equal("01HF7YAT00", fromKey[..10]);
        Assert.Equal("0000000000", BlockId.FromKey(-5, "x")[..10]);
    }

    [Fact]
    public void Writes_to_a_buffer_writer()
    {
        var writer = new BlockWriter();
        writer.Add(Small[0].Labels, Small[0].Samples);
        var buffer = new ArrayBufferWriter<byte>(1);
        var meta = writer.WriteTo(buffer);
        Assert.Equal(meta.SizeBytes, buffer.WrittenCount);
        Assert.Equal(writer.ToArray(out _), buffer.WrittenSpan.ToArray());
    }

    public static TheoryData<string, Action<BlockWriter>> BadInput => new()
    {
        { "duplicate series", w => { w.Add(Small[0].Labels, Small[0].Samples); w.Add(Small[0].Labels, Small[1].Samples); } },
        { "equal timestamps", w => w.Add(Small[0].Labels, [new(5, 1), new(5, 2)]) },
        { "decreasing timestamps", w => w.Add(Small[0].Labels, [new(6, 1), new(5, 2)]) },
        { "no labels", w => w.Add(LabelSet.Empty, [new(5, 1)]) },
        { "overlapping chunks", w => w.AddChunks(Small[0].Labels, [Chunk(0, 10), Chunk(10, 20)]) },
        { "chunks out of order", w => w.AddChunks(Small[0].Labels, [Chunk(20, 30), Chunk(0, 10)]) },
        { "chunk count mismatch", w => w.AddChunks(Small[0].Labels, [Chunk(0, 10) with { SampleCount = 3 }]) },
        { "chunk without data", w => w.AddChunks(Small[0].Labels, [new EncodedChunk(0, 0, 1, [])]) },
    };

    [Theory]
    [MemberData(nameof(BadInput))]
    public void Rejects_bad_series(string why, Action<BlockWriter> add)
    {
        Assert.NotNull(why);
        Assert.ThrowsAny<ArgumentException>(() => add(new BlockWriter()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("a/b")]
    [InlineData("space id")]
    [InlineData("ü")]
    public void Rejects_bad_block_ids(string id)
    {
        Assert.ThrowsAny<ArgumentException>(() => new BlockWriter(new BlockWriterOptions { BlockId = id }));
        Assert.ThrowsAny<ArgumentException>(() => new BlockWriter(new BlockWriterOptions { Sources = [id] }));
        Assert.False(BlockId.IsValid(id));
    }

    [Fact]
    public void Rejects_other_bad_options_and_empty_blocks()
    {
        Assert.ThrowsAny<ArgumentException>(() => new BlockWriter(new BlockWriterOptions { BlockId = new string('a', 129) }));
        Assert.ThrowsAny<ArgumentException>(() => new BlockWriter(new BlockWriterOptions { CompactionLevel = -1 }));
        Assert.ThrowsAny<ArgumentException>(() => new BlockWriter(new BlockWriterOptions { Chunks = new ChunkOptions { TargetSamplesPerChunk = 0 } }));
        Assert.True(BlockId.IsValid(new string('a', 128)));

        var writer = new BlockWriter();
        writer.Add(Small[0].Labels, []);
        Assert.Equal(0, writer.SeriesCount);
        Assert.Throws<InvalidOperationException>(() => writer.ToArray(out _));
    }

    private static EncodedChunk Chunk(long from, long to) =>
        new(from, to, 2, XorChunkEncoder.Encode([new(from, 1), new(to, 2)]));
}
