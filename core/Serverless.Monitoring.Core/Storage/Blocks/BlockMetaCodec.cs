namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>The meta section's encoding (see <see cref="BlockFormat"/>).</summary>
internal static class BlockMetaCodec
{
    public static void Write(BlockBuffer buffer, BlockMeta meta)
    {
        buffer.WriteString(meta.Id);
        buffer.WriteVarint(meta.MinTimeMs);
        buffer.WriteVarint(meta.MaxTimeMs);
        buffer.WriteUvarint((ulong)meta.NumSeries);
        buffer.WriteUvarint((ulong)meta.NumSamples);
        buffer.WriteUvarint((ulong)meta.NumChunks);
        buffer.WriteUvarint((ulong)meta.CompactionLevel);
        buffer.WriteUvarint((ulong)meta.Sources.Count);
        foreach (var s in meta.Sources)
        {
            buffer.WriteString(s);
        }
    }

    public static BlockMeta Read(ReadOnlySpan<byte> section, string block, long blobLength)
    {
        var d = new BlockDecoder(section, block, BlockSection.Meta);
        var id = d.ReadString("block ID");
        if (!BlockId.IsValid(id))
        {
            d.Fail($"invalid block ID '{id}'");
        }

        var minT = d.ReadVarint();
        var maxT = d.ReadVarint();
        var series = d.ReadInt(int.MaxValue, "series count");
        var samples = (long)Math.Min(d.ReadUvarint(), long.MaxValue);
        var chunks = d.ReadInt(int.MaxValue, "chunk count");
        var level = d.ReadInt(int.MaxValue, "compaction level");
        var count = d.ReadCount(2, "source count");
        var sources = new string[count];
        for (var i = 0; i < count; i++)
        {
            sources[i] = d.ReadString("source ID");
            if (!BlockId.IsValid(sources[i]) || (i > 0 && string.CompareOrdinal(sources[i - 1], sources[i]) >= 0))
            {
                d.Fail("source IDs are invalid or not strictly ascending");
            }
        }

        d.ExpectEnd("the meta section");
        if (minT > maxT || series < 1 || chunks < series || samples < chunks)
        {
            d.Fail($"inconsistent meta (time {minT}..{maxT}, {series} series, {chunks} chunks, {samples} samples)");
        }

        return new BlockMeta(id, minT, maxT, series, samples, chunks, level, sources) { SizeBytes = blobLength };
    }
}
