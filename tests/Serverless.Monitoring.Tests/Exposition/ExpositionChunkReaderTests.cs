using System.Text;
using Serverless.Monitoring.Core.Exposition;

namespace Serverless.Monitoring.Tests.Exposition;

public sealed class ExpositionChunkReaderTests
{
    private static async Task<List<ParsedEntry>> ParseInChunksAsync(ExpositionParser parser, byte[] payload, int bufferSize) =>
        (await ParseInChunksCountingAsync(parser, payload, bufferSize)).Entries;

    private static async Task<(List<ParsedEntry> Entries, int Chunks)> ParseInChunksCountingAsync(ExpositionParser parser, byte[] payload, int bufferSize)
    {
        var entries = new List<ParsedEntry>();
        var reader = new ExpositionChunkReader(new MemoryStream(payload), parser, bufferSize);
        var chunks = 0;
        while (await reader.ReadChunkAsync())
        {
            chunks++;
            entries.AddRange(ParsedEntry.ParseAll(parser));
        }

        Assert.Equal(payload.Length, reader.BytesRead);
        return (entries, chunks);
    }

    [Theory]
    [InlineData(Payloads.NodeExporterOpenMetrics, 16)]
    [InlineData(Payloads.NodeExporterOpenMetrics, 1000)]
    [InlineData(Payloads.PrometheusOpenMetrics, 333)]
    [InlineData(Payloads.NodeExporterText, 64)]
    [InlineData(Payloads.PrometheusText, 4096)]
    public async Task Pieces_parse_like_the_whole(string name, int bufferSize)
    {
        var payload = Payloads.Read(name);
        ExpositionParser Create() => name.EndsWith(".om", StringComparison.Ordinal)
            ? new OpenMetricsTextParser(ReadOnlyMemory<byte>.Empty)
            : new PrometheusTextParser(ReadOnlyMemory<byte>.Empty);

        var whole = Create();
        whole.Reset(payload);
        var expected = ParsedEntry.ParseAll(whole);
        var (entries, chunks) = await ParseInChunksCountingAsync(Create(), payload, bufferSize);
        ParsedEntry.AssertEntries(expected, entries);
        Assert.True(chunks > 1, $"{chunks} pieces");
    }

    [Fact]
    public async Task Errors_give_the_line_in_the_whole_payload()
    {
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 100).Select(i => $"m{i} {i}\n")) + "bad{ 1\n# EOF\n");
        var e = await Assert.ThrowsAsync<ExpositionParseException>(() => ParseInChunksAsync(new OpenMetricsTextParser(ReadOnlyMemory<byte>.Empty), payload, 50));
        Assert.Equal(101, e.Line);
    }

    [Fact]
    public async Task Openmetrics_still_requires_eof_at_the_very_end()
    {
        var payload = Encoding.UTF8.GetBytes(string.Concat(Enumerable.Range(0, 50).Select(i => $"m{i} {i}\n")));
        var e = await Assert.ThrowsAsync<ExpositionParseException>(() => ParseInChunksAsync(new OpenMetricsTextParser(ReadOnlyMemory<byte>.Empty), payload, 40));
        Assert.Equal("data does not end with # EOF", e.Reason);

        payload = Encoding.UTF8.GetBytes("a 1\n# EOF\n" + new string('\n', 1) + "b 2\n");
        e = await Assert.ThrowsAsync<ExpositionParseException>(() => ParseInChunksAsync(new OpenMetricsTextParser(ReadOnlyMemory<byte>.Empty), payload, 16));
        Assert.Equal("unexpected data after # EOF", e.Reason);
    }

    [Fact]
    public async Task Eof_at_the_end_of_a_full_buffer_is_the_end()
    {
        // The payload fills the buffer exactly: "# EOF" ends a piece and an empty last piece follows.
        var payload = "a 1\nbb 2\nccc 3\n# EOF\n"u8.ToArray();
        var (entries, chunks) = await ParseInChunksCountingAsync(new OpenMetricsTextParser(ReadOnlyMemory<byte>.Empty), payload, payload.Length);
        Assert.Equal(3, entries.Count);
        Assert.Equal(2, chunks);
    }

    [Fact]
    public async Task A_line_longer_than_the_buffer_grows_it()
    {
        var longValue = new string('x', 10_000);
        var payload = Encoding.UTF8.GetBytes($"a{{b=\"{longValue}\"}} 1\nc 2\n# EOF\n");
        var entries = await ParseInChunksAsync(new OpenMetricsTextParser(ReadOnlyMemory<byte>.Empty), payload, 64);
        Assert.Equal(2, entries.Count);
        Assert.Equal(longValue, entries[0].Labels!.Get("b"));
    }

    [Fact]
    public async Task Text_format_without_a_final_newline()
    {
        var entries = await ParseInChunksAsync(new PrometheusTextParser(ReadOnlyMemory<byte>.Empty), "a 1\nb 2\nc 3"u8.ToArray(), 16);
        Assert.Equal(["a", "b", "c"], entries.Select(e => e.M));
    }
}
