using System.Buffers;
using Serverless.Monitoring.Core.Hashing;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// Builds one block (layout in <see cref="BlockFormat"/>). Add series in any order, as sorted
/// samples (cut into XOR chunks by <see cref="ChunkPacker"/>) or as chunks already encoded;
/// then write the block in one pass. The bytes depend only on the series and the options, never
/// on the order series were added in, the time or the machine, so a retried write produces an
/// identical blob (and, without an explicit ID, the same content-derived ID).
/// </summary>
/// <remarks>The whole block is held in memory as encoded chunks until written; not thread-safe.</remarks>
public sealed class BlockWriter
{
    private readonly BlockWriterOptions _options;
    private readonly string[] _sources;
    private readonly Dictionary<LabelSet, EncodedChunk[]> _series = [];
    private long _samples;
    private long _chunks;

    /// <summary>Starts an empty block.</summary>
    /// <exception cref="ArgumentException">An option is invalid.</exception>
    public BlockWriter(BlockWriterOptions? options = null)
    {
        _options = options ?? new BlockWriterOptions();
        _options.Validate();
        _sources = _options.Sources.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToArray();
    }

    /// <summary>Series added so far.</summary>
    public int SeriesCount => _series.Count;

    /// <summary>Samples added so far.</summary>
    public long SampleCount => _samples;

    /// <summary>
    /// Adds a series from its samples, whose timestamps must strictly increase. A series
    /// without samples is left out of the block.
    /// </summary>
    /// <exception cref="ArgumentException">The label set is empty or already added, or the timestamps do not increase.</exception>
    public void Add(LabelSet labels, ReadOnlySpan<Sample> samples)
    {
        CheckLabels(labels);
        for (var i = 1; i < samples.Length; i++)
        {
            if (samples[i].TimestampMs <= samples[i - 1].TimestampMs)
            {
                throw new ArgumentException(
                    $"series {labels}: timestamps must strictly increase; sample {i} ({samples[i].TimestampMs}) follows {samples[i - 1].TimestampMs}",
                    nameof(samples));
            }
        }

        if (samples.IsEmpty)
        {
            return;
        }

        var chunks = ChunkPacker.Pack(samples, _options.Chunks);
        Store(labels, [.. chunks], samples.Length);
    }

    /// <summary>
    /// Adds a series as XOR chunks already encoded (e.g. read from other blocks by the
    /// compactor). Chunks must be in time order and must not overlap.
    /// </summary>
    /// <exception cref="ArgumentException">The label set is empty or already added, or the chunks are not ordered, overlap or are malformed.</exception>
    public void AddChunks(LabelSet labels, IEnumerable<EncodedChunk> chunks)
    {
        CheckLabels(labels);
        ArgumentNullException.ThrowIfNull(chunks);
        var array = chunks.ToArray();
        long samples = 0;
        for (var i = 0; i < array.Length; i++)
        {
            var c = array[i] ?? throw new ArgumentException($"series {labels}: chunk {i} is null", nameof(chunks));
            if (c.Data is null || c.Data.Length < XorChunkFormat.HeaderSize || c.SampleCount < 1
                || XorChunkFormat.ReadSampleCount(c.Data) != c.SampleCount || c.MinTimeMs > c.MaxTimeMs)
            {
                throw new ArgumentException($"series {labels}: chunk {i} is malformed (sample count or time range)", nameof(chunks));
            }

            if (i > 0 && c.MinTimeMs <= array[i - 1].MaxTimeMs)
            {
                throw new ArgumentException(
                    $"series {labels}: chunk {i} starts at {c.MinTimeMs}, not after the previous chunk's end {array[i - 1].MaxTimeMs}",
                    nameof(chunks));
            }

            samples += c.SampleCount;
        }

        if (array.Length == 0)
        {
            return;
        }

        Store(labels, array, samples);
    }

    /// <summary>Writes the block to <paramref name="destination"/>; can be called again for the same bytes.</summary>
    /// <exception cref="InvalidOperationException">No series with samples were added.</exception>
    public BlockMeta WriteTo(Stream destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Write(new BlockSink(destination));
    }

    /// <summary>Writes the block to <paramref name="destination"/>; can be called again for the same bytes.</summary>
    /// <exception cref="InvalidOperationException">No series with samples were added.</exception>
    public BlockMeta WriteTo(IBufferWriter<byte> destination)
    {
        ArgumentNullException.ThrowIfNull(destination);
        return Write(new BlockSink(destination));
    }

    /// <summary>The block as one array (for tests and small blocks).</summary>
    public byte[] ToArray(out BlockMeta meta)
    {
        var buffer = new ArrayBufferWriter<byte>();
        meta = WriteTo(buffer);
        return buffer.WrittenSpan.ToArray();
    }

    private void CheckLabels(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (labels.IsEmpty)
        {
            throw new ArgumentException("a series needs at least one label", nameof(labels));
        }

        if (_series.ContainsKey(labels))
        {
            throw new ArgumentException($"series {labels} was already added", nameof(labels));
        }
    }

    private void Store(LabelSet labels, EncodedChunk[] chunks, long samples)
    {
        _series.Add(labels, chunks);
        _samples += samples;
        _chunks += chunks.Length;
    }

    private BlockMeta Write(BlockSink sink)
    {
        if (_series.Count == 0)
        {
            throw new InvalidOperationException("a block needs at least one series with samples");
        }

        var series = _series.Keys.ToArray();
        Array.Sort(series, LabelSet.Compare);
        var (symbols, symbolIds) = BuildSymbols(series);
        var scratch = new BlockBuffer(4096);

        // Header.
        scratch.WriteUInt32(BlockFormat.Magic);
        scratch.WriteByte(BlockFormat.Version);
        scratch.WriteBytes([0, 0, 0]);
        sink.Write(scratch.Span);

        // Chunks, series after series; remember where each landed.
        sink.BeginSection();
        var chunkOffsets = new long[_chunks];
        var chunkLengths = new int[_chunks];
        long minT = long.MaxValue, maxT = long.MinValue;
        var k = 0;
        foreach (var labels in series)
        {
            foreach (var chunk in _series[labels])
            {
                scratch.Clear();
                scratch.WriteUvarint((ulong)chunk.Data.Length);
                scratch.WriteByte(BlockFormat.XorEncoding);
                var crc = Crc32C.Append(Crc32C.Compute([BlockFormat.XorEncoding]), chunk.Data);
                chunkOffsets[k] = sink.Position - BlockFormat.HeaderSize;
                sink.Write(scratch.Span);
                sink.Write(chunk.Data);
                scratch.Clear();
                scratch.WriteUInt32(crc);
                sink.Write(scratch.Span);
                chunkLengths[k] = checked((int)(sink.Position - BlockFormat.HeaderSize - chunkOffsets[k]));
                minT = Math.Min(minT, chunk.MinTimeMs);
                maxT = Math.Max(maxT, chunk.MaxTimeMs);
                k++;
            }
        }

        var chunkSection = sink.EndSection();

        // Series entries; postings gather as refs ascend.
        sink.BeginSection();
        var seriesStart = sink.Position;
        var body = new BlockBuffer(1024);
        var postings = new Dictionary<ulong, List<uint>>();
        var all = new List<uint>(series.Length);
        var maxEntry = 0;
        k = 0;
        foreach (var labels in series)
        {
            var offset = sink.Position - seriesStart;
            if (offset > uint.MaxValue)
            {
                throw new InvalidOperationException("the series section exceeds 4 GiB; write smaller blocks");
            }

            var seriesRef = (uint)offset;
            body.Clear();
            body.WriteUvarint((ulong)labels.Count);
            foreach (var label in labels)
            {
                var name = symbolIds[label.Name];
                var value = symbolIds[label.Value];
                body.WriteUvarint((ulong)name);
                body.WriteUvarint((ulong)value);
                var key = ((ulong)name << 32) | (uint)value;
                if (!postings.TryGetValue(key, out var list))
                {
                    postings[key] = list = [];
                }

                list.Add(seriesRef);
            }

            all.Add(seriesRef);
            var chunks = _series[labels];
            body.WriteUvarint((ulong)chunks.Length);
            for (var i = 0; i < chunks.Length; i++, k++)
            {
                var c = chunks[i];
                if (i == 0)
                {
                    body.WriteVarint(c.MinTimeMs);
                }
                else
                {
                    body.WriteUvarint(unchecked((ulong)(c.MinTimeMs - chunks[i - 1].MaxTimeMs)));
                }

                body.WriteUvarint(unchecked((ulong)(c.MaxTimeMs - c.MinTimeMs)));
                if (i == 0)
                {
                    body.WriteUvarint((ulong)chunkOffsets[k]);
                }

                body.WriteUvarint((ulong)chunkLengths[k]);
            }

            scratch.Clear();
            scratch.WriteUvarint((ulong)body.Length);
            scratch.WriteBytes(body.Span);
            scratch.WriteUInt32(Crc32C.Compute(body.Span));
            sink.Write(scratch.Span);
            maxEntry = Math.Max(maxEntry, scratch.Length);
        }

        var seriesSection = sink.EndSection();

        // Postings lists in (name, value) order, then the list of all series.
        sink.BeginSection();
        var keys = postings.Keys.ToArray();
        Array.Sort(keys);
        var lengths = new int[keys.Length];
        for (var i = 0; i < keys.Length; i++)
        {
            lengths[i] = WritePostings(sink, scratch, postings[keys[i]]);
        }

        var allOffset = sink.Position;
        var allLength = WritePostings(sink, scratch, all);
        var postingsSection = sink.EndSection();

        // Symbols.
        sink.BeginSection();
        scratch.Clear();
        scratch.WriteUvarint((ulong)symbols.Length);
        foreach (var s in symbols)
        {
            scratch.WriteString(s);
        }

        sink.Write(scratch.Span);
        var symbolSection = sink.EndSection();

        // Postings offset table.
        sink.BeginSection();
        scratch.Clear();
        scratch.WriteUvarint((ulong)keys.Length);
        for (var i = 0; i < keys.Length; i++)
        {
            scratch.WriteUvarint(keys[i] >> 32);
            scratch.WriteUvarint(keys[i] & 0xFFFF_FFFF);
            scratch.WriteUvarint((ulong)lengths[i]);
        }

        sink.Write(scratch.Span);
        var offsetSection = sink.EndSection();

        // Meta: the ID may be a hash of everything before it plus the level and sources.
        scratch.Clear();
        scratch.WriteUvarint((ulong)_options.CompactionLevel);
        foreach (var s in _sources)
        {
            scratch.WriteString(s);
        }

        sink.HashOnly(scratch.Span);
        var (h1, h2) = sink.StopHashing();
        var id = _options.BlockId ?? BlockId.FromHashes(minT, h1, h2);
        var meta = new BlockMeta(id, minT, maxT, series.Length, _samples, _chunks, _options.CompactionLevel, _sources);

        sink.BeginSection();
        scratch.Clear();
        BlockMetaCodec.Write(scratch, meta);
        sink.Write(scratch.Span);
        var metaSection = sink.EndSection();

        scratch.Clear();
        var footer = new BlockFooter(
            chunkSection, seriesSection, postingsSection, symbolSection, offsetSection, metaSection, allOffset, allLength, maxEntry);
        footer.WriteTo(scratch);
        sink.Write(scratch.Span);
        return meta with { SizeBytes = sink.Position };
    }

    private static int WritePostings(BlockSink sink, BlockBuffer scratch, List<uint> refs)
    {
        scratch.Clear();
        scratch.WriteUvarint((ulong)refs.Count);
        uint previous = 0;
        foreach (var r in refs)
        {
            scratch.WriteUvarint(r - previous);
            previous = r;
        }

        scratch.WriteUInt32(Crc32C.Compute(scratch.Span));
        sink.Write(scratch.Span);
        return scratch.Length;
    }

    private static (string[] Symbols, Dictionary<string, int> Ids) BuildSymbols(LabelSet[] series)
    {
        var set = new HashSet<string>(StringComparer.Ordinal);
        foreach (var labels in series)
        {
            foreach (var label in labels)
            {
                set.Add(label.Name);
                set.Add(label.Value);
            }
        }

        var symbols = set.ToArray();
        Array.Sort(symbols, Utf8Ordinal.Instance);
        var ids = new Dictionary<string, int>(symbols.Length, StringComparer.Ordinal);
        for (var i = 0; i < symbols.Length; i++)
        {
            ids[symbols[i]] = i;
        }

        return (symbols, ids);
    }
}
