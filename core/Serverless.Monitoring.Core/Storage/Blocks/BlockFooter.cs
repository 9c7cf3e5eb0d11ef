using System.Buffers.Binary;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>Where a section lies in the blob, and the CRC32C of all its bytes.</summary>
internal readonly record struct SectionRef(long Offset, long Length, uint Crc)
{
    public long End => Offset + Length;
}

/// <summary>The fixed-size table of contents at the end of a block (layout in <see cref="BlockFormat"/>).</summary>
internal sealed record BlockFooter(
    SectionRef Chunks,
    SectionRef Series,
    SectionRef Postings,
    SectionRef Symbols,
    SectionRef PostingsOffsets,
    SectionRef Meta,
    long AllPostingsOffset,
    int AllPostingsLength,
    int MaxSeriesEntryLength)
{
    public void WriteTo(BlockBuffer buffer)
    {
        var start = buffer.Length;
        foreach (var s in (ReadOnlySpan<SectionRef>)[Chunks, Series, Postings, Symbols, PostingsOffsets, Meta])
        {
            buffer.WriteUInt64((ulong)s.Offset);
            buffer.WriteUInt64((ulong)s.Length);
            buffer.WriteUInt32(s.Crc);
        }

        buffer.WriteUInt64((ulong)AllPostingsOffset);
        buffer.WriteUInt32((uint)AllPostingsLength);
        buffer.WriteUInt32((uint)MaxSeriesEntryLength);
        buffer.WriteUInt32(BlockFormat.Version);
        buffer.WriteUInt32(Hashing.Crc32C.Compute(buffer.Span[start..]));
        buffer.WriteUInt32(BlockFormat.Magic);
    }

    /// <summary>
    /// Parses the footer (the last <see cref="BlockFormat.FooterSize"/> bytes of a blob of
    /// <paramref name="blobLength"/> bytes) and checks that the sections tile the blob.
    /// </summary>
    public static BlockFooter Parse(ReadOnlySpan<byte> footer, long blobLength, string block)
    {
        if (footer.Length != BlockFormat.FooterSize)
        {
            throw new CorruptBlockException(block, BlockSection.Footer, $"footer is {footer.Length} bytes, expected {BlockFormat.FooterSize}");
        }

        var magic = BinaryPrimitives.ReadUInt32BigEndian(footer[^4..]);
        if (magic != BlockFormat.Magic)
        {
            throw new CorruptBlockException(block, BlockSection.Footer, $"bad magic number 0x{magic:x8} at the end (truncated or not a block)");
        }

        var d = new BlockDecoder(footer[..^4], block, BlockSection.Footer);
        var refs = new SectionRef[BlockFormat.SectionCount];
        for (var i = 0; i < refs.Length; i++)
        {
            refs[i] = new SectionRef(ReadLong(ref d), ReadLong(ref d), d.ReadUInt32());
        }

        var allOffset = ReadLong(ref d);
        var allLength = d.ReadUInt32();
        var maxSeries = d.ReadUInt32();
        var version = d.ReadUInt32();
        var covered = footer[..d.Position];
        d.ExpectCrc(covered, "footer");
        if (version != BlockFormat.Version)
        {
            throw new CorruptBlockException(block, BlockSection.Footer, $"unsupported format version {version} (this build reads {BlockFormat.Version})");
        }

        var result = new BlockFooter(
            refs[0], refs[1], refs[2], refs[3], refs[4], refs[5], allOffset, (int)Math.Min(allLength, int.MaxValue), (int)Math.Min(maxSeries, int.MaxValue));
        result.CheckLayout(blobLength, block);
        return result;
    }

    private static long ReadLong(ref BlockDecoder d)
    {
        var v = d.ReadUInt64();
        if (v > long.MaxValue)
        {
            d.Fail("offset or length out of range");
        }

        return (long)v;
    }

    private void CheckLayout(long blobLength, string block)
    {
        var expected = (long)BlockFormat.HeaderSize;
        foreach (var (s, name) in (ReadOnlySpan<(SectionRef, string)>)[(Chunks, "chunks"), (Series, "series"), (Postings, "postings"), (Symbols, "symbols"), (PostingsOffsets, "postings offsets"), (Meta, "meta")])
        {
            if (s.Offset != expected || s.Length > blobLength)
            {
                throw new CorruptBlockException(block, BlockSection.Footer, $"{name} section at {s.Offset} (+{s.Length}) does not follow the previous section's end {expected}");
            }

            expected = s.End;
        }

        if (expected != blobLength - BlockFormat.FooterSize)
        {
            throw new CorruptBlockException(block, BlockSection.Blob, $"sections end at {expected} but the blob is {blobLength} bytes (expected {expected + BlockFormat.FooterSize}; truncated or extended)");
        }

        if (Series.Length > uint.MaxValue || Postings.Length > int.MaxValue || Symbols.Length > int.MaxValue
            || PostingsOffsets.Length > int.MaxValue || Meta.Length > int.MaxValue)
        {
            throw new CorruptBlockException(block, BlockSection.Footer, "section too large");
        }

        if (AllPostingsOffset < Postings.Offset || AllPostingsLength < 1 || AllPostingsOffset + AllPostingsLength != Postings.End)
        {
            throw new CorruptBlockException(block, BlockSection.Footer, "the all-series postings list is not the end of the postings section");
        }

        if (MaxSeriesEntryLength < 1 || MaxSeriesEntryLength > Series.Length)
        {
            throw new CorruptBlockException(block, BlockSection.Footer, $"longest series entry {MaxSeriesEntryLength} does not fit the series section");
        }
    }
}
