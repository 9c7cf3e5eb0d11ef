using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// Where one chunk of a series lies: its time range (both ends inclusive) and its entry in the
/// chunk section (<paramref name="Offset"/> relative to the section, <paramref name="Length"/>
/// covering length prefix, encoding, data and CRC).
/// </summary>
public readonly record struct ChunkMeta(long MinTimeMs, long MaxTimeMs, long Offset, int Length)
{
    /// <summary>True when the chunk may hold samples in [<paramref name="minTimeMs"/>, <paramref name="maxTimeMs"/>].</summary>
    public bool Overlaps(long minTimeMs, long maxTimeMs) => MinTimeMs <= maxTimeMs && MaxTimeMs >= minTimeMs;
}

/// <summary>A series of a block: its ref (the entry's offset in the series section), labels and chunks.</summary>
public sealed record BlockSeries(uint Ref, LabelSet Labels, IReadOnlyList<ChunkMeta> Chunks);

/// <summary>A chunk read from a block, its checksum verified.</summary>
public sealed class BlockChunk
{
    internal BlockChunk(ChunkMeta meta, ReadOnlyMemory<byte> data)
    {
        Meta = meta;
        Data = data;
    }

    /// <summary>Where the chunk came from and the time range it covers.</summary>
    public ChunkMeta Meta { get; }

    /// <summary>The XOR chunk (layout in <see cref="XorChunkFormat"/>).</summary>
    public ReadOnlyMemory<byte> Data { get; }

    /// <summary>Number of samples in the chunk.</summary>
    public int SampleCount => XorChunkFormat.ReadSampleCount(Data.Span);

    /// <summary>An iterator over the chunk's samples.</summary>
    public XorChunkIterator Iterator() => new(Data);

    /// <summary>The chunk as an <see cref="EncodedChunk"/> (copies the bytes), e.g. to write it into another block.</summary>
    public EncodedChunk ToEncodedChunk() => new(Meta.MinTimeMs, Meta.MaxTimeMs, SampleCount, Data.ToArray());
}
