using System.Buffers.Binary;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// Reads a block from a blob store with range reads only. Opening reads the header and the
/// tail (footer, symbols, postings offsets, meta) into a <see cref="BlockIndex"/>; a query
/// then reads the postings lists its matchers need, the series entries they name, and only the
/// chunks that overlap its time range, merging nearby ranges into one GET each. Nothing ever
/// reads the whole blob except <see cref="VerifyAsync"/>.
/// <para>
/// Damaged bytes raise <see cref="CorruptBlockException"/> naming the block; storage failures
/// (e.g. <see cref="StorageNotFoundException"/> for a deleted block) pass through unchanged.
/// Instances are immutable and safe to share.
/// </para>
/// </summary>
public sealed class BlockReader
{
    private readonly IBlobStore _store;
    private readonly BlockReaderOptions _options;
    private readonly IPostingsCache? _postingsCache;

    /// <summary>A reader over a block whose index is already loaded (e.g. from a cache).</summary>
    public BlockReader(IBlobStore store, BlockIndex index, BlockReaderOptions? options = null, IPostingsCache? postingsCache = null)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(index);
        _store = store;
        _options = options ?? BlockReaderOptions.Default;
        _options.Validate();
        _postingsCache = postingsCache;
        Index = index;
    }

    /// <summary>The block's parsed index.</summary>
    public BlockIndex Index { get; }

    /// <summary>The block's metadata.</summary>
    public BlockMeta Meta => Index.Meta;

    /// <summary>The blob name of the block.</summary>
    public string Name => Index.Name;

    private BlockFooter Footer => Index.Footer;

    /// <summary>Opens a block: reads its index (see <see cref="ReadIndexAsync"/>).</summary>
    public static async Task<BlockReader> OpenAsync(
        IBlobStore store,
        string name,
        long? blobLength = null,
        BlockReaderOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        var index = await ReadIndexAsync(store, name, blobLength, options, cancellationToken);
        return new BlockReader(store, index, options);
    }

    /// <summary>
    /// Reads a block's header and tail (two concurrent GETs, plus one more when the index tail is
    /// longer than <see cref="BlockReaderOptions.OpenReadBytes"/>) and parses the index.
    /// </summary>
    /// <param name="blobLength">The blob's length when known (e.g. from a catalog), saving a properties request.</param>
    /// <exception cref="CorruptBlockException">The blob is not an intact block.</exception>
    /// <exception cref="StorageNotFoundException">No such blob.</exception>
    public static async Task<BlockIndex> ReadIndexAsync(
        IBlobStore store,
        string name,
        long? blobLength = null,
        BlockReaderOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(name);
        options ??= BlockReaderOptions.Default;
        options.Validate();
        var length = blobLength
            ?? (await store.GetPropertiesAsync(name, cancellationToken))?.Length
            ?? throw new StorageNotFoundException($"Block blob '{name}' does not exist.");
        if (length < BlockFormat.HeaderSize + BlockFormat.FooterSize)
        {
            throw new CorruptBlockException(name, BlockSection.Blob, $"blob is {length} bytes, shorter than any block (truncated?)");
        }

        var tailLength = Math.Max(BlockFormat.FooterSize, Math.Min(length - BlockFormat.HeaderSize, options.OpenReadBytes));
        var tailStart = length - tailLength;
        var headerTask = ReadExactAsync(store, name, length, 0, BlockFormat.HeaderSize, cancellationToken);
        var tailTask = ReadExactAsync(store, name, length, tailStart, (int)tailLength, cancellationToken);
        try
        {
            await Task.WhenAll(headerTask, tailTask);
        }
        catch (CorruptBlockException) when (headerTask.IsCompletedSuccessfully)
        {
            // Report the header's problem first: a bad magic number says the most.
            CheckHeader(headerTask.Result.Span, name);
            throw;
        }

        CheckHeader(headerTask.Result.Span, name);
        var tail = tailTask.Result;
        var footer = BlockFooter.Parse(tail.Span[^BlockFormat.FooterSize..], length, name);
        var indexStart = footer.Symbols.Offset;
        ReadOnlyMemory<byte> indexBytes;
        if (indexStart >= tailStart)
        {
            indexBytes = tail[(int)(indexStart - tailStart)..^BlockFormat.FooterSize];
        }
        else
        {
            var prefix = await ReadExactAsync(store, name, length, indexStart, checked((int)(tailStart - indexStart)), cancellationToken);
            var joined = new byte[footer.Meta.End - indexStart];
            prefix.Span.CopyTo(joined);
            tail.Span[..^BlockFormat.FooterSize].CopyTo(joined.AsSpan(prefix.Length));
            indexBytes = joined;
        }

        return BlockIndex.Parse(name, length, footer, indexBytes.Span);
    }

    /// <summary>Names of all labels in the block (no reads).</summary>
    public IReadOnlyList<string> LabelNames() => Index.LabelNames;

    /// <summary>Values of label <paramref name="name"/> in the block (no reads).</summary>
    public IReadOnlyList<string> LabelValues(string name) => Index.LabelValues(name);

    /// <summary>Names of the labels of the series that match <paramref name="matchers"/>, ascending.</summary>
    public async Task<IReadOnlyList<string>> LabelNamesAsync(IReadOnlyList<LabelMatcher> matchers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        if (matchers.Count == 0)
        {
            return Index.LabelNames;
        }

        var series = await SeriesAsync(matchers, long.MinValue, long.MaxValue, cancellationToken);
        var names = new SortedSet<string>(Utf8Ordinal.Instance);
        foreach (var s in series)
        {
            foreach (var l in s.Labels)
            {
                names.Add(l.Name);
            }
        }

        return [.. names];
    }

    /// <summary>Values of label <paramref name="name"/> among the series that match <paramref name="matchers"/>, ascending.</summary>
    public async Task<IReadOnlyList<string>> LabelValuesAsync(string name, IReadOnlyList<LabelMatcher> matchers, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(matchers);
        if (matchers.Count == 0)
        {
            return Index.LabelValues(name);
        }

        var series = await SeriesAsync(matchers, long.MinValue, long.MaxValue, cancellationToken);
        var values = new SortedSet<string>(Utf8Ordinal.Instance);
        foreach (var s in series)
        {
            if (s.Labels.TryGetValue(name, out var value))
            {
                values.Add(value);
            }
        }

        return [.. values];
    }

    /// <summary>
    /// The refs of the series that satisfy all <paramref name="matchers"/> (all series when
    /// there are none), ascending, which is label order. Reads only postings lists.
    /// </summary>
    public async Task<IReadOnlyList<uint>> PostingsAsync(IReadOnlyList<LabelMatcher> matchers, CancellationToken cancellationToken = default) =>
        await ResolvePostingsAsync(matchers, cancellationToken);

    /// <summary>
    /// The series that satisfy all <paramref name="matchers"/> and have a chunk overlapping
    /// [<paramref name="minTimeMs"/>, <paramref name="maxTimeMs"/>] (inclusive), in label order,
    /// each with only those chunks.
    /// </summary>
    public async Task<IReadOnlyList<BlockSeries>> SeriesAsync(
        IReadOnlyList<LabelMatcher> matchers,
        long minTimeMs = long.MinValue,
        long maxTimeMs = long.MaxValue,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        if (!Meta.Overlaps(minTimeMs, maxTimeMs))
        {
            return [];
        }

        var refs = await ResolvePostingsAsync(matchers, cancellationToken);
        return await SeriesByRefsAsync(refs, minTimeMs, maxTimeMs, cancellationToken);
    }

    /// <summary>The series with the given refs (from <see cref="PostingsAsync"/>), filtered to the time range as above.</summary>
    public async Task<IReadOnlyList<BlockSeries>> SeriesByRefsAsync(
        IReadOnlyList<uint> refs,
        long minTimeMs = long.MinValue,
        long maxTimeMs = long.MaxValue,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(refs);
        if (refs.Count == 0 || !Meta.Overlaps(minTimeMs, maxTimeMs))
        {
            return [];
        }

        var series = Footer.Series;
        var ranges = new (long Offset, int Length)[refs.Count];
        for (var i = 0; i < refs.Count; i++)
        {
            if (refs[i] >= series.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(refs), refs[i], "not a series ref of this block");
            }

            var start = series.Offset + refs[i];
            ranges[i] = (start, (int)Math.Min(Footer.MaxSeriesEntryLength, series.End - start));
        }

        var data = await ReadRangesAsync(ranges, cancellationToken);
        var result = new List<BlockSeries>(refs.Count);
        for (var i = 0; i < refs.Count; i++)
        {
            var (labels, chunks) = ParseSeries(data[i].Span, refs[i]);
            var kept = chunks.Where(c => c.Overlaps(minTimeMs, maxTimeMs)).ToArray();
            if (kept.Length > 0)
            {
                result.Add(new BlockSeries(refs[i], labels, kept));
            }
        }

        return result;
    }

    /// <summary>
    /// Reads chunks (metas from <see cref="SeriesAsync"/>),
    /// verifying each checksum; adjacent and nearby chunks share one GET. The result is in the order of <paramref name="chunks"/>.
    /// </summary>
    public async Task<IReadOnlyList<BlockChunk>> ReadChunksAsync(IReadOnlyList<ChunkMeta> chunks, CancellationToken cancellationToken = default) =>
        await ReadChunksCoreAsync(chunks, cancellationToken);

    /// <summary>The chunks of each series, read together (one batch of GETs for all).</summary>
    public async Task<IReadOnlyList<IReadOnlyList<BlockChunk>>> ReadSeriesChunksAsync(
        IReadOnlyList<BlockSeries> series,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(series);
        var metas = series.SelectMany(s => s.Chunks).ToArray();
        var chunks = await ReadChunksCoreAsync(metas, cancellationToken);
        var result = new IReadOnlyList<BlockChunk>[series.Count];
        var k = 0;
        for (var i = 0; i < series.Count; i++)
        {
            var n = series[i].Chunks.Count;
            result[i] = new ArraySegment<BlockChunk>(chunks, k, n);
            k += n;
        }

        return result;
    }

    /// <summary>
    /// Reads the whole blob and checks everything: header, footer, every section's and entry's
    /// checksum, that series, postings and chunks agree with each other and with the meta.
    /// For scrubbing and tests; queries never do this.
    /// </summary>
    /// <exception cref="CorruptBlockException">Anything is wrong.</exception>
    public static async Task<BlockMeta> VerifyAsync(IBlobStore store, string name, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(store);
        ArgumentNullException.ThrowIfNull(name);
        var content = await store.GetAsync(name, null, cancellationToken);
        return BlockVerifier.Verify(content.Data.Span, name);
    }

    internal static void CheckHeader(ReadOnlySpan<byte> header, string block)
    {
        var magic = BinaryPrimitives.ReadUInt32BigEndian(header);
        if (magic != BlockFormat.Magic)
        {
            throw new CorruptBlockException(block, BlockSection.Header, $"bad magic number 0x{magic:x8} (not a block)");
        }

        if (header[4] != BlockFormat.Version)
        {
            throw new CorruptBlockException(block, BlockSection.Header, $"unsupported format version {header[4]} (this build reads {BlockFormat.Version})");
        }

        if (header[5] != 0 || header[6] != 0 || header[7] != 0)
        {
            throw new CorruptBlockException(block, BlockSection.Header, "reserved header bytes are not zero");
        }
    }

    /// <summary>Parses one series entry at the start of <paramref name="entry"/> (which may run on past it).</summary>
    internal (LabelSet Labels, ChunkMeta[] Chunks) ParseSeries(ReadOnlySpan<byte> entry, uint seriesRef) =>
        ParseSeries(entry, seriesRef, Index.Symbols, Footer, Name, out _);

    internal static (LabelSet Labels, ChunkMeta[] Chunks) ParseSeries(
        ReadOnlySpan<byte> entry, uint seriesRef, string[] symbols, BlockFooter footer, string block, out int entryLength)
    {
        var outer = new BlockDecoder(entry, block, BlockSection.Series);
        var bodyLength = outer.ReadInt(Math.Max(0, outer.Remaining - BlockFormat.CrcSize), $"series {seriesRef} entry length");
        var body = outer.ReadBytes(bodyLength);
        outer.ExpectCrc(body, $"series {seriesRef}");
        entryLength = outer.Position;

        var d = new BlockDecoder(body, block, BlockSection.Series);
        var labelCount = d.ReadCount(2, "label count");
        if (labelCount == 0)
        {
            d.Fail($"series {seriesRef} has no labels");
        }

        var labels = new Label[labelCount];
        var lastName = -1;
        for (var i = 0; i < labelCount; i++)
        {
            var name = d.ReadInt(symbols.Length - 1, "label name ref");
            var value = d.ReadInt(symbols.Length - 1, "label value ref");
            if (name <= lastName)
            {
                d.Fail($"series {seriesRef}: label names out of order");
            }

            labels[i] = new Label(symbols[name], symbols[value]);
            lastName = name;
        }

        var chunkCount = d.ReadCount(3, "chunk count");
        if (chunkCount == 0)
        {
            d.Fail($"series {seriesRef} has no chunks");
        }

        var chunks = new ChunkMeta[chunkCount];
        long offset = 0, previousMax = 0;
        var sectionLength = footer.Chunks.Length;
        for (var i = 0; i < chunkCount; i++)
        {
            long minT;
            if (i == 0)
            {
                minT = d.ReadVarint();
            }
            else
            {
                var gap = d.ReadUvarint();
                if (gap == 0 || gap > (ulong)(long.MaxValue - previousMax))
                {
                    d.Fail($"series {seriesRef}: chunk {i} does not start after the previous one");
                }

                minT = previousMax + (long)gap;
            }

            var span = d.ReadUvarint();
            if (span > (ulong)(long.MaxValue - minT))
            {
                d.Fail($"series {seriesRef}: chunk {i} ends past the end of time");
            }

            var maxT = minT + (long)span;
            if (i == 0)
            {
                offset = (long)Math.Min(d.ReadUvarint(), long.MaxValue);
            }

            var length = d.ReadInt(int.MaxValue, "chunk length");
            if (length < 8 || offset > sectionLength - length)
            {
                d.Fail($"series {seriesRef}: chunk {i} ({length} bytes at {offset}) is outside the chunk section");
            }

            chunks[i] = new ChunkMeta(minT, maxT, offset, length);
            offset += length;
            previousMax = maxT;
        }

        d.ExpectEnd($"series {seriesRef}");
        return (LabelSet.FromCanonical(labels), chunks);
    }

    /// <summary>Checks one chunk entry and returns its XOR data.</summary>
    internal ReadOnlyMemory<byte> ParseChunk(ReadOnlyMemory<byte> entry, ChunkMeta meta) => ParseChunk(entry, meta.Offset, Name);

    internal static ReadOnlyMemory<byte> ParseChunk(ReadOnlyMemory<byte> entry, long offset, string block)
    {
        var d = new BlockDecoder(entry.Span, block, BlockSection.Chunks);
        var length = d.ReadInt(Math.Max(0, d.Remaining - 1 - BlockFormat.CrcSize), $"chunk at {offset}: length");
        var start = d.Position;
        var encoding = d.ReadByte();
        var data = d.ReadBytes(length);
        d.ExpectCrc(entry.Span.Slice(start, 1 + length), $"chunk at {offset}");
        d.ExpectEnd($"the chunk at {offset}");
        if (encoding != BlockFormat.XorEncoding)
        {
            d.Fail($"chunk at {offset} has unknown encoding {encoding}");
        }

        if (data.Length < XorChunkFormat.HeaderSize || XorChunkFormat.ReadSampleCount(data) == 0)
        {
            d.Fail($"chunk at {offset} holds no samples");
        }

        return entry.Slice(start + 1, length);
    }

    /// <summary>Decodes one postings list entry (count, deltas, CRC) of exactly <paramref name="entry"/>'s length.</summary>
    internal static uint[] ParsePostings(ReadOnlySpan<byte> entry, long seriesSectionLength, string block)
    {
        var d = new BlockDecoder(entry, block, BlockSection.Postings);
        var count = d.ReadCount(1, "postings count");
        var refs = new uint[count];
        ulong current = 0;
        for (var i = 0; i < count; i++)
        {
            var delta = d.ReadUvarint();
            if ((i > 0 && delta == 0) || delta >= (ulong)seriesSectionLength - current)
            {
                d.Fail("postings list is not ascending within the series section");
            }

            current += delta;
            refs[i] = (uint)current;
        }

        if (count == 0 || d.Remaining != BlockFormat.CrcSize)
        {
            d.Fail("postings list has the wrong length");
        }

        d.ExpectCrc(entry[..d.Position], "postings list");
        return refs;
    }

    private async Task<BlockChunk[]> ReadChunksCoreAsync(IReadOnlyList<ChunkMeta> chunks, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(chunks);
        var section = Footer.Chunks;
        var ranges = new (long Offset, int Length)[chunks.Count];
        for (var i = 0; i < chunks.Count; i++)
        {
            var c = chunks[i];
            if (c.Offset < 0 || c.Length < 1 || c.Offset + c.Length > section.Length)
            {
                throw new ArgumentOutOfRangeException(nameof(chunks), c, "not a chunk of this block");
            }

            ranges[i] = (section.Offset + c.Offset, c.Length);
        }

        var data = await ReadRangesAsync(ranges, cancellationToken);
        var result = new BlockChunk[chunks.Count];
        for (var i = 0; i < chunks.Count; i++)
        {
            result[i] = new BlockChunk(chunks[i], ParseChunk(data[i], chunks[i]));
        }

        return result;
    }

    private async Task<uint[]> ResolvePostingsAsync(IReadOnlyList<LabelMatcher> matchers, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matchers);

        // Matchers that reject the empty value select by inclusion (the union of the matching
        // values' lists); those that accept it select by exclusion (every series minus those
        // whose value the matcher rejects), as a missing label reads as "".
        var include = new List<List<(long Offset, int Length)>>();
        var exclude = new List<(long Offset, int Length)>();
        foreach (var m in matchers)
        {
            ArgumentNullException.ThrowIfNull(m, nameof(matchers));
            var ranges = new List<(long Offset, int Length)>();
            if (m.MatchesEmpty)
            {
                Index.CollectPostings(m.Name, v => !m.Matches(v), exclude);
                continue;
            }

            if (m.Type == LabelMatchType.Equal)
            {
                if (Index.TryGetPostings(m.Name, m.Value, out var range))
                {
                    ranges.Add(range);
                }
            }
            else
            {
                Index.CollectPostings(m.Name, m.Matches, ranges);
            }

            if (ranges.Count == 0)
            {
                return [];
            }

            include.Add(ranges);
        }

        if (include.Count == 0)
        {
            include.Add([(Footer.AllPostingsOffset, Footer.AllPostingsLength)]);
        }

        var wanted = include.SelectMany(r => r).Concat(exclude).ToArray();
        var lists = new uint[wanted.Length][];
        var toRead = new List<int>(wanted.Length);
        for (var i = 0; i < wanted.Length; i++)
        {
            if (_postingsCache?.GetPostings(Name, wanted[i].Offset) is { } cached)
            {
                lists[i] = cached;
            }
            else
            {
                toRead.Add(i);
            }
        }

        if (toRead.Count > 0)
        {
            var data = await ReadRangesAsync([.. toRead.Select(i => wanted[i])], cancellationToken);
            for (var k = 0; k < toRead.Count; k++)
            {
                var i = toRead[k];
                lists[i] = ParsePostings(data[k].Span, Footer.Series.Length, Name);
                _postingsCache?.PutPostings(Name, wanted[i].Offset, lists[i]);
            }
        }

        // Intersect the cheapest (fewest postings bytes) inclusions first.
        var starts = new int[include.Count];
        var included = 0;
        for (var i = 0; i < include.Count; i++)
        {
            starts[i] = included;
            included += include[i].Count;
        }

        var result = Array.Empty<uint>();
        var first = true;
        foreach (var g in Enumerable.Range(0, include.Count).OrderBy(g => include[g].Sum(r => (long)r.Length)))
        {
            var union = PostingsMath.Union([.. lists.AsSpan(starts[g], include[g].Count)]);
            result = first ? union : PostingsMath.Intersect(result, union);
            first = false;
            if (result.Length == 0)
            {
                return result;
            }
        }

        if (exclude.Count > 0)
        {
            result = PostingsMath.Subtract(result, PostingsMath.Union([.. lists.AsSpan(included)]));
        }

        return result;
    }

    /// <summary>
    /// Reads byte ranges (absolute offsets, any order, possibly overlapping), merging ranges that
    /// lie within <see cref="BlockReaderOptions.MaxGapBytes"/> of each other into one GET.
    /// </summary>
    private async Task<ReadOnlyMemory<byte>[]> ReadRangesAsync((long Offset, int Length)[] ranges, CancellationToken cancellationToken)
    {
        var result = new ReadOnlyMemory<byte>[ranges.Length];
        if (ranges.Length == 0)
        {
            return result;
        }

        var order = Enumerable.Range(0, ranges.Length).OrderBy(i => ranges[i].Offset).ToArray();
        var groups = new List<(long Start, long End, int First, int Count)>();
        for (var n = 0; n < order.Length; n++)
        {
            var r = ranges[order[n]];
            var end = r.Offset + r.Length;
            if (groups.Count > 0)
            {
                var g = groups[^1];
                if (r.Offset <= g.End + _options.MaxGapBytes && Math.Max(g.End, end) - g.Start <= _options.MaxReadBytes)
                {
                    groups[^1] = (g.Start, Math.Max(g.End, end), g.First, g.Count + 1);
                    continue;
                }
            }

            groups.Add((r.Offset, end, n, 1));
        }

        var buffers = new ReadOnlyMemory<byte>[groups.Count];
        if (groups.Count == 1)
        {
            buffers[0] = await ReadExactAsync(groups[0].Start, groups[0].End, cancellationToken);
        }
        else
        {
            var parallel = new ParallelOptions { MaxDegreeOfParallelism = _options.MaxConcurrentReads, CancellationToken = cancellationToken };
            await Parallel.ForEachAsync(Enumerable.Range(0, groups.Count), parallel, async (g, token) =>
                buffers[g] = await ReadExactAsync(groups[g].Start, groups[g].End, token));
        }

        for (var g = 0; g < groups.Count; g++)
        {
            var (start, _, first, count) = groups[g];
            for (var n = first; n < first + count; n++)
            {
                var r = ranges[order[n]];
                result[order[n]] = buffers[g].Slice((int)(r.Offset - start), r.Length);
            }
        }

        return result;
    }

    private Task<ReadOnlyMemory<byte>> ReadExactAsync(long start, long end, CancellationToken cancellationToken) =>
        ReadExactAsync(_store, Name, Index.BlobLength, start, checked((int)(end - start)), cancellationToken);

    /// <summary>Reads exactly [offset, offset + length) of a blob expected to be <paramref name="blobLength"/> bytes.</summary>
    private static async Task<ReadOnlyMemory<byte>> ReadExactAsync(
        IBlobStore store, string name, long blobLength, long offset, int length, CancellationToken cancellationToken)
    {
        BlobContent content;
        try
        {
            content = await store.GetAsync(name, new ByteRange(offset, length), cancellationToken);
        }
        catch (StorageRequestException ex) when (ex.ErrorCode == "InvalidRange")
        {
            throw new CorruptBlockException(name, BlockSection.Blob, $"blob ends before byte {offset} (expected {blobLength} bytes; truncated?)", ex);
        }

        if (content.TotalLength != blobLength)
        {
            throw new CorruptBlockException(name, BlockSection.Blob, $"blob is {content.TotalLength} bytes, expected {blobLength} (truncated or replaced?)");
        }

        if (content.Data.Length != length)
        {
            throw new CorruptBlockException(name, BlockSection.Blob, $"read of {length} bytes at {offset} returned {content.Data.Length} (truncated?)");
        }

        return content.Data;
    }
}
