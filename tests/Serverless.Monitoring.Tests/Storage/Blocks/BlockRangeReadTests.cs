using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;
using Xunit.Abstractions;

namespace Serverless.Monitoring.Tests.Storage.Blocks;

/// <summary>A selective query reads a small part of a block, in few ranged GETs, never the whole blob.</summary>
public sealed class BlockRangeReadTests : IClassFixture<BlockRangeReadTests.LargeBlock>
{
    private readonly LargeBlock _block;

    private readonly ITestOutputHelper _output;

    public BlockRangeReadTests(LargeBlock block, ITestOutputHelper output)
    {
        _block = block;
        _output = output;
    }

    private void Output(string line) => _output.WriteLine(line);

    /// <summary>Twelve node_exporter-like instances over two hours: about 4,000 series, 1.9 M samples.</summary>
    public sealed class LargeBlock
    {
        public LargeBlock()
        {
            Store = new InMemoryBlobStore();
            Bytes = BlockTestData.Write(NodeExporterData.Generate(new NodeExporterData.Options { Instances = 12 }), out var meta);
            Meta = meta;
            Store.PutAsync("large", new MemoryStream(Bytes)).GetAwaiter().GetResult();
        }

        public InMemoryBlobStore Store { get; }

        public byte[] Bytes { get; }

        public BlockMeta Meta { get; }
    }

    public static TheoryData<string, long, int> Queries => new()
    {
        // One series over the whole block.
        { "__name__=node_load1;instance=node-003.example.internal:9100", long.MaxValue, 1 },
        // One metric of one instance, 30 minutes.
        { "__name__=node_cpu_seconds_total;instance=node-007.example.internal:9100;mode=user", 30 * 60_000, 8 },
        // A regex over a few instances.
        { "__name__=node_memory_MemFree_bytes;instance=~node-00[1-3].*", long.MaxValue, 3 },
        // One metric across all instances, 10 minutes, with an exclusion.
        { "__name__=node_network_receive_bytes_total;device!~lo|docker0", 10 * 60_000, 24 },
    };

    [Theory]
    [MemberData(nameof(Queries))]
    public async Task Selective_queries_read_under_ten_percent_in_few_gets(string matchers, long windowMs, int expectedSeries)
    {
        var store = new CountingBlobStore(_block.Store);
        var reader = await BlockReader.OpenAsync(store, "large", _block.Bytes.Length);
        var opened = store.BytesRead;
        var openGets = store.Gets;

        var maxT = windowMs == long.MaxValue ? long.MaxValue : _block.Meta.MinTimeMs + windowMs;
        var read = await BlockTestData.SelectAsync(reader, BlockTestData.ParseMatchers(matchers), long.MinValue, maxT);

        Assert.Equal(expectedSeries, read.Count);
        Assert.All(read, r => Assert.NotEmpty(r.Samples));
        Assert.Equal(0, store.PropertyRequests);
        Assert.True(openGets <= 2, $"open took {openGets} GETs");
        Assert.All(store.Reads, r => Assert.NotNull(r.Range));
        Assert.All(store.Reads, r => Assert.True(r.Bytes < _block.Bytes.Length / 10, $"a GET of {r.Bytes} bytes"));
        Assert.True(store.BytesRead < _block.Bytes.Length / 10, $"read {store.BytesRead} of {_block.Bytes.Length} bytes");
        // At most one GET per matcher for postings, then per series for its entry and its chunks.
        var matcherCount = matchers.Split(';').Length;
        Assert.True(store.Gets - openGets <= matcherCount + (2 * expectedSeries), $"{store.Gets - openGets} GETs after open");
        Output($"{matchers}: {read.Count} series, {read.Sum(r => r.Samples.Count)} samples; open {openGets} GETs {opened} B; query {store.Gets - openGets} GETs {store.BytesRead - opened} B; block {_block.Bytes.Length} B");

        // The index (symbols, postings offsets, meta) is small next to the block.
        Assert.True(opened < _block.Bytes.Length / 50, $"open read {opened} bytes");
    }

    [Fact]
    public async Task A_series_chunks_come_in_one_get()
    {
        var store = new CountingBlobStore(_block.Store);
        var reader = await BlockReader.OpenAsync(store, "large", _block.Bytes.Length);
        var series = await reader.SeriesAsync([LabelMatcher.Equal("__name__", "node_time_seconds"), LabelMatcher.Equal("instance", "node-000.example.internal:9100")]);
        var chunks = Assert.Single(series).Chunks;
        Assert.True(chunks.Count >= 4);
        store.Reset();

        var read = await reader.ReadChunksAsync(chunks);

        Assert.Equal(1, store.Gets);
        Assert.Equal(chunks.Sum(c => (long)c.Length), store.BytesRead);
        Assert.Equal(480, read.Sum(c => c.SampleCount));
    }

    [Fact]
    public async Task Without_a_known_length_open_asks_for_the_properties_once()
    {
        var store = new CountingBlobStore(_block.Store);
        var index = await BlockReader.ReadIndexAsync(store, "large");
        Assert.Equal(1, store.PropertyRequests);
        Assert.Equal(_block.Bytes.Length, index.BlobLength);
        Assert.True(store.Gets <= 2);
    }

    [Fact]
    public async Task A_tiny_open_read_still_finds_the_whole_index()
    {
        var store = new CountingBlobStore(_block.Store);
        var options = new BlockReaderOptions { OpenReadBytes = 0, MaxGapBytes = 0 };
        var reader = await BlockReader.OpenAsync(store, "large", _block.Bytes.Length, options);
        Assert.Equal(3, store.Gets); // header, footer, then the index tail
        Assert.Equal(_block.Meta, reader.Meta);
        Assert.Contains("node_load1", reader.LabelValues("__name__"));
    }
}
