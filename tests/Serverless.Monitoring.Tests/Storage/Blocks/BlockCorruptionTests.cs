using System.Buffers.Binary;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Tests.Storage.Chunks;

namespace Serverless.Monitoring.Tests.Storage.Blocks;

/// <summary>
/// Damaged blocks fail with <see cref="CorruptBlockException"/> naming the block, wherever the
/// damage is, both in the full check and on the selective read path; never with another
/// exception, never with wrong data.
/// </summary>
public sealed class BlockCorruptionTests
{
    private const string Name = "tenant/blocks/01CORRUPT";

    private static readonly (LabelSet Labels, Sample[] Samples)[] Input =
    [
        (LabelSet.FromStrings("__name__", "up", "job", "api"), [new(0, 1), new(15_000, 1), new(30_000, StaleMarker.Value)]),
        (LabelSet.FromStrings("__name__", "up", "job", "web"), [new(1, double.NaN), new(2, double.PositiveInfinity)]),
        (LabelSet.FromStrings("__name__", "load", "host", "ü"), [new(5, -0.0), new(6, 1.5), new(7, 1.25), new(8, 1.125)]),
    ];

    private static readonly byte[] Block = BlockTestData.Write(Input, out _);

    /// <summary>Where each section of <see cref="Block"/> lies, from its footer.</summary>
    public static TheoryData<string> SectionNames => new() { "header", "chunks", "series", "postings", "symbols", "postings offsets", "meta", "footer" };

    [Theory]
    [MemberData(nameof(SectionNames))]
    public async Task A_flipped_byte_in_any_section_fails_verification_naming_block_and_section(string section)
    {
        var (start, length, expected) = Section(section);
        foreach (var at in new[] { start, start + (length / 2), start + length - 1 })
        {
            var store = Damaged(b => b[at] ^= 0x20);

            var ex = await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.VerifyAsync(store, Name));

            Assert.Equal(Name, ex.BlockName);
            Assert.Contains(Name, ex.Message, StringComparison.Ordinal);
            Assert.Equal(expected, ex.Section);
        }
    }

    [Fact]
    public async Task Every_flipped_byte_is_caught_on_the_selective_path_too()
    {
        // A full selection reads the header, the index tail, the all-series postings, every series
        // entry and every chunk; one equality query per label pair reads the remaining postings.
        var pairs = Input.SelectMany(s => s.Labels).Distinct().ToArray();
        for (var at = 0; at < Block.Length; at++)
        {
            foreach (var flip in new byte[] { 0x01, 0x80, 0xFF })
            {
                var store = Damaged(b => b[at] ^= flip);
                var caught = false;
                try
                {
                    var reader = await BlockReader.OpenAsync(store, Name);
                    AssertIntact(await BlockTestData.SelectAsync(reader, []));
                    foreach (var pair in pairs)
                    {
                        var selected = await reader.SeriesAsync([LabelMatcher.Equal(pair.Name, pair.Value)]);
                        Assert.Equal(Input.Count(s => s.Labels.Get(pair.Name) == pair.Value), selected.Count);
                    }
                }
                catch (CorruptBlockException ex)
                {
                    Assert.Equal(Name, ex.BlockName);
                    caught = true;
                }

                Assert.True(caught, $"flipping 0x{flip:x2} at byte {at} of {Block.Length} went unnoticed");
            }
        }
    }

    [Fact]
    public async Task Truncation_at_any_point_is_caught()
    {
        for (var length = 0; length < Block.Length; length++)
        {
            var cut = Block[..length];
            var store = new InMemoryBlobStore();
            store.Overwrite(Name, cut);

            // The store reports the real length ...
            var ex = await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.OpenAsync(store, Name));
            Assert.Equal(Name, ex.BlockName);
            await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.VerifyAsync(store, Name));

            // ... or a catalog remembers the original one.
            if (length > 0)
            {
                ex = await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.OpenAsync(store, Name, Block.Length));
                Assert.Equal(Name, ex.BlockName);
            }
        }
    }

    [Fact]
    public async Task A_block_truncated_after_its_index_was_cached_is_caught_on_read()
    {
        var store = new InMemoryBlobStore();
        store.Overwrite(Name, Block);
        var reader = await BlockReader.OpenAsync(store, Name);
        store.Overwrite(Name, Block[..(Block.Length - 10)]);

        var ex = await Assert.ThrowsAsync<CorruptBlockException>(() => BlockTestData.SelectAsync(reader, []));
        Assert.Equal(BlockSection.Blob, ex.Section);
    }

    [Fact]
    public async Task Appended_bytes_are_caught()
    {
        var store = new InMemoryBlobStore();
        store.Overwrite(Name, [.. Block, 0]);
        await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.OpenAsync(store, Name));
        await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.VerifyAsync(store, Name));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(155)]
    [InlineData(4096)]
    [InlineData(100_000)]
    public async Task Things_that_are_not_blocks_are_corrupt_blocks(int length)
    {
        var random = new Random(length);
        foreach (var bytes in new[] { new byte[length], Enumerable.Range(0, length).Select(_ => (byte)random.Next(256)).ToArray() })
        {
            var store = new InMemoryBlobStore();
            store.Overwrite(Name, bytes);
            await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.OpenAsync(store, Name));
            await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.VerifyAsync(store, Name));
        }
    }

    [Fact]
    public async Task A_wrong_magic_number_or_version_says_so()
    {
        var ex = await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.OpenAsync(Damaged(b => b[0] = (byte)'X'), Name));
        Assert.Equal(BlockSection.Header, ex.Section);
        Assert.Contains("magic", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.OpenAsync(Damaged(b => b[4] = 9), Name));
        Assert.Equal(BlockSection.Header, ex.Section);
        Assert.Contains("version 9", ex.Message, StringComparison.Ordinal);

        ex = await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.OpenAsync(Damaged(b => b[^1] ^= 1), Name));
        Assert.Equal(BlockSection.Footer, ex.Section);
        Assert.Contains("magic", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Verification_decodes_chunks_against_their_index_entries()
    {
        // The writer trusts the time ranges of pre-encoded chunks; the full check does not.
        var writer = new BlockWriter();
        var data = Core.Storage.Chunks.XorChunkEncoder.Encode([new(5, 1), new(50, 2)]);
        writer.AddChunks(Input[0].Labels, [new Core.Storage.Chunks.EncodedChunk(0, 50, 2, data)]);
        var store = new InMemoryBlobStore();
        store.Overwrite(Name, writer.ToArray(out _));

        var ex = await Assert.ThrowsAsync<CorruptBlockException>(() => BlockReader.VerifyAsync(store, Name));
        Assert.Equal(BlockSection.Chunks, ex.Section);
    }

    [Fact]
    public async Task A_missing_block_is_not_found_rather_than_corrupt()
    {
        await Assert.ThrowsAsync<StorageNotFoundException>(() => BlockReader.OpenAsync(new InMemoryBlobStore(), Name));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => BlockReader.OpenAsync(new InMemoryBlobStore(), Name, Block.Length));
    }

    private static void AssertIntact(List<(LabelSet Labels, List<Sample> Samples)> read)
    {
        var expected = Input.OrderBy(s => s.Labels, Comparer<LabelSet>.Create(LabelSet.Compare)).ToArray();
        Assert.Equal(expected.Select(e => e.Labels), read.Select(r => r.Labels));
        for (var i = 0; i < expected.Length; i++)
        {
            ChunkAssert.BitExact(expected[i].Samples, read[i].Samples);
        }
    }

    private static InMemoryBlobStore Damaged(Action<byte[]> damage)
    {
        var bytes = Block.ToArray();
        damage(bytes);
        var store = new InMemoryBlobStore();
        store.Overwrite(Name, bytes);
        return store;
    }

    /// <summary>Start, length and reported section of a named part of <see cref="Block"/>, read from its footer.</summary>
    private static (int Start, int Length, BlockSection Section) Section(string name)
    {
        var footer = Block.Length - BlockFormat.FooterSize;
        (int, int) Ref(int i) => (
            (int)BinaryPrimitives.ReadUInt64BigEndian(Block.AsSpan(footer + (i * 20))),
            (int)BinaryPrimitives.ReadUInt64BigEndian(Block.AsSpan(footer + (i * 20) + 8)));
        return name switch
        {
            "header" => (0, BlockFormat.HeaderSize, BlockSection.Header),
            "chunks" => (Ref(0).Item1, Ref(0).Item2, BlockSection.Chunks),
            "series" => (Ref(1).Item1, Ref(1).Item2, BlockSection.Series),
            "postings" => (Ref(2).Item1, Ref(2).Item2, BlockSection.Postings),
            "symbols" => (Ref(3).Item1, Ref(3).Item2, BlockSection.Symbols),
            "postings offsets" => (Ref(4).Item1, Ref(4).Item2, BlockSection.PostingsOffsets),
            "meta" => (Ref(5).Item1, Ref(5).Item2, BlockSection.Meta),
            _ => (Block.Length - BlockFormat.FooterSize, BlockFormat.FooterSize, BlockSection.Footer),
        };
    }
}
