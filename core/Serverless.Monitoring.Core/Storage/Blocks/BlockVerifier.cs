using Serverless.Monitoring.Core.Hashing;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>The full consistency check behind <see cref="BlockReader.VerifyAsync"/>.</summary>
internal static class BlockVerifier
{
    public static BlockMeta Verify(ReadOnlySpan<byte> blob, string block)
    {
        if (blob.Length < BlockFormat.HeaderSize + BlockFormat.FooterSize)
        {
            throw new CorruptBlockException(block, BlockSection.Blob, $"blob is {blob.Length} bytes, shorter than any block (truncated?)");
        }

        BlockReader.CheckHeader(blob[..BlockFormat.HeaderSize], block);
        var footer = BlockFooter.Parse(blob[^BlockFormat.FooterSize..], blob.Length, block);
        foreach (var (section, kind) in (ReadOnlySpan<(SectionRef, BlockSection)>)[
            (footer.Chunks, BlockSection.Chunks), (footer.Series, BlockSection.Series), (footer.Postings, BlockSection.Postings)])
        {
            var crc = Crc32C.Compute(blob.Slice((int)section.Offset, (int)section.Length));
            if (crc != section.Crc)
            {
                throw new CorruptBlockException(block, kind, $"checksum mismatch (stored 0x{section.Crc:x8}, computed 0x{crc:x8})");
            }
        }

        var index = BlockIndex.Parse(block, blob.Length, footer, blob[(int)footer.Symbols.Offset..^BlockFormat.FooterSize]);
        var meta = index.Meta;

        // Series, one after another; rebuild the postings they imply.
        var series = blob.Slice((int)footer.Series.Offset, (int)footer.Series.Length);
        var refs = new List<uint>();
        var implied = new Dictionary<(string, string), List<uint>>();
        long chunkEnd = 0, chunkCount = 0, minT = long.MaxValue, maxT = long.MinValue;
        var longest = 0;
        var chunkMetas = new List<ChunkMeta>();
        LabelSet? previous = null;
        for (var pos = 0; pos < series.Length;)
        {
            var seriesRef = (uint)pos;
            var (labels, chunks) = BlockReader.ParseSeries(series[pos..], seriesRef, index.Symbols, footer, block, out var length);
            if (previous is not null && LabelSet.Compare(previous, labels) >= 0)
            {
                throw new CorruptBlockException(block, BlockSection.Series, $"series {seriesRef} is out of label order");
            }

            refs.Add(seriesRef);
            previous = labels;
            foreach (var l in labels)
            {
                if (!implied.TryGetValue((l.Name, l.Value), out var list))
                {
                    implied[(l.Name, l.Value)] = list = [];
                }

                list.Add(seriesRef);
            }

            foreach (var c in chunks)
            {
                if (c.Offset != chunkEnd)
                {
                    throw new CorruptBlockException(block, BlockSection.Series, $"series {seriesRef}: chunks do not follow one another in the chunk section");
                }

                chunkEnd += c.Length;
                chunkMetas.Add(c);
                minT = Math.Min(minT, c.MinTimeMs);
                maxT = Math.Max(maxT, c.MaxTimeMs);
            }

            chunkCount += chunks.Length;
            longest = Math.Max(longest, length);
            pos += length;
        }

        if (longest != footer.MaxSeriesEntryLength)
        {
            throw new CorruptBlockException(block, BlockSection.Footer, $"longest series entry is {longest} bytes, footer says {footer.MaxSeriesEntryLength}");
        }

        // Chunks: every entry intact, and they tile the section.
        var chunkSection = blob.Slice((int)footer.Chunks.Offset, (int)footer.Chunks.Length).ToArray();
        if (chunkEnd != chunkSection.Length)
        {
            throw new CorruptBlockException(block, BlockSection.Chunks, $"series reference {chunkEnd} bytes of chunks, the section has {chunkSection.Length}");
        }

        long samples = 0;
        foreach (var c in chunkMetas)
        {
            var data = BlockReader.ParseChunk(chunkSection.AsMemory((int)c.Offset, c.Length), c.Offset, block);
            samples += CheckSamples(data, c, block);
        }

        // Postings: each list as the series imply, and the list of all series.
        var postingsCount = 0;
        foreach (var name in index.LabelNames)
        {
            foreach (var value in index.LabelValues(name))
            {
                index.TryGetPostings(name, value, out var range);
                var list = BlockReader.ParsePostings(blob.Slice((int)range.Offset, range.Length), footer.Series.Length, block);
                if (!implied.TryGetValue((name, value), out var expected) || !expected.SequenceEqual(list))
                {
                    throw new CorruptBlockException(block, BlockSection.Postings, $"postings of {name}=\"{value}\" disagree with the series");
                }

                postingsCount++;
            }
        }

        if (postingsCount != implied.Count)
        {
            throw new CorruptBlockException(block, BlockSection.PostingsOffsets, "label pairs of the series are missing from the postings");
        }

        var all = BlockReader.ParsePostings(blob.Slice((int)footer.AllPostingsOffset, footer.AllPostingsLength), footer.Series.Length, block);
        if (!all.SequenceEqual(refs))
        {
            throw new CorruptBlockException(block, BlockSection.Postings, "the all-series list disagrees with the series");
        }

        if (refs.Count != meta.NumSeries || chunkCount != meta.NumChunks || samples != meta.NumSamples
            || minT != meta.MinTimeMs || maxT != meta.MaxTimeMs)
        {
            throw new CorruptBlockException(
                block,
                BlockSection.Meta,
                $"meta says {meta.NumSeries} series, {meta.NumChunks} chunks, {meta.NumSamples} samples, time {meta.MinTimeMs}..{meta.MaxTimeMs}; "
                + $"the block has {refs.Count}, {chunkCount}, {samples}, {minT}..{maxT}");
        }

        return meta;
    }

    /// <summary>Decodes a chunk: timestamps strictly increase from its meta's start to its end.</summary>
    private static int CheckSamples(ReadOnlyMemory<byte> data, ChunkMeta meta, string block)
    {
        try
        {
            var it = new XorChunkIterator(data);
            var n = 0;
            var last = 0L;
            while (it.MoveNext())
            {
                if ((n == 0 && it.Timestamp != meta.MinTimeMs) || (n > 0 && it.Timestamp <= last))
                {
                    throw new CorruptBlockException(block, BlockSection.Chunks, $"chunk at {meta.Offset}: sample {n} at {it.Timestamp} is out of order or off the chunk's start");
                }

                last = it.Timestamp;
                n++;
            }

            if (last != meta.MaxTimeMs)
            {
                throw new CorruptBlockException(block, BlockSection.Chunks, $"chunk at {meta.Offset} ends at {last}, its series entry says {meta.MaxTimeMs}");
            }

            return n;
        }
        catch (InvalidDataException ex)
        {
            throw new CorruptBlockException(block, BlockSection.Chunks, $"chunk at {meta.Offset}: {ex.Message}", ex);
        }
    }
}
