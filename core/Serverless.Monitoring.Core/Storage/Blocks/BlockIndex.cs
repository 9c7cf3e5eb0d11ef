using System.Collections.ObjectModel;
using System.Text;
using System.Text.Unicode;
using Serverless.Monitoring.Core.Hashing;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// The parts of a block a reader keeps in memory: its metadata, the section table, the symbol
/// table and the postings offset table (label names, their values, and where each value's
/// postings list lies). Immutable and thread-safe, so a bounded cache can share one instance
/// between queries (weigh it by <see cref="EstimatedSizeBytes"/>). Label names and values
/// come from here without any read.
/// </summary>
public sealed class BlockIndex
{
    private static readonly ReadOnlyCollection<string> NoValues = new([]);

    private readonly string[] _names;
    private readonly ReadOnlyCollection<string>[] _values;
    private readonly long[][] _postingsOffsets;
    private readonly int[][] _postingsLengths;

    private BlockIndex(
        string name,
        BlockMeta meta,
        BlockFooter footer,
        string[] symbols,
        string[] names,
        string[][] values,
        long[][] postingsOffsets,
        int[][] postingsLengths)
    {
        Name = name;
        Meta = meta;
        Footer = footer;
        Symbols = symbols;
        _names = names;
        _values = Array.ConvertAll(values, v => Array.AsReadOnly(v));
        _postingsOffsets = postingsOffsets;
        _postingsLengths = postingsLengths;
        LabelNames = Array.AsReadOnly(names);

        long size = 512;
        foreach (var s in symbols)
        {
            size += 24 + (2L * s.Length) + 8;
        }

        foreach (var v in values)
        {
            size += 96 + (v.Length * (8 + 8 + 4));
        }

        EstimatedSizeBytes = size;
    }

    /// <summary>The blob name of the block.</summary>
    public string Name { get; }

    /// <summary>The block's metadata (<see cref="BlockMeta.SizeBytes"/> is the blob's length).</summary>
    public BlockMeta Meta { get; }

    /// <summary>Length of the blob in bytes.</summary>
    public long BlobLength => Meta.SizeBytes;

    /// <summary>Names of all labels in the block, ascending in UTF-8 byte order.</summary>
    public IReadOnlyList<string> LabelNames { get; }

    /// <summary>An estimate of the memory this object holds, for a size-bounded cache.</summary>
    public long EstimatedSizeBytes { get; }

    internal BlockFooter Footer { get; }

    internal string[] Symbols { get; }

    /// <summary>Values of label <paramref name="name"/> in the block, ascending in UTF-8 byte order; empty when absent.</summary>
    public IReadOnlyList<string> LabelValues(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var i = FindName(name);
        return i < 0 ? NoValues : _values[i];
    }

    /// <summary>Where the postings list of each value of <paramref name="name"/> that satisfies <paramref name="predicate"/> lies.</summary>
    internal void CollectPostings(string name, Func<string, bool> predicate, List<(long Offset, int Length)> into)
    {
        var i = FindName(name);
        if (i < 0)
        {
            return;
        }

        var values = _values[i];
        for (var j = 0; j < values.Count; j++)
        {
            if (predicate(values[j]))
            {
                into.Add((_postingsOffsets[i][j], _postingsLengths[i][j]));
            }
        }
    }

    /// <summary>Where the postings list of <paramref name="name"/>=<paramref name="value"/> lies, if the pair exists.</summary>
    internal bool TryGetPostings(string name, string value, out (long Offset, int Length) range)
    {
        range = default;
        var i = FindName(name);
        if (i < 0)
        {
            return false;
        }

        var j = BinarySearch(_values[i], value);
        if (j < 0)
        {
            return false;
        }

        range = (_postingsOffsets[i][j], _postingsLengths[i][j]);
        return true;
    }

    /// <summary>
    /// Parses the in-memory part of a block from <paramref name="tail"/>, the bytes from the start
    /// of the symbol table up to the footer.
    /// </summary>
    internal static BlockIndex Parse(string block, long blobLength, BlockFooter footer, ReadOnlySpan<byte> tail)
    {
        if (tail.Length != footer.Meta.End - footer.Symbols.Offset)
        {
            throw new CorruptBlockException(block, BlockSection.Blob, "index tail has the wrong length");
        }

        var symbolsBytes = Section(tail, footer, footer.Symbols, BlockSection.Symbols, block);
        var offsetBytes = Section(tail, footer, footer.PostingsOffsets, BlockSection.PostingsOffsets, block);
        var metaBytes = Section(tail, footer, footer.Meta, BlockSection.Meta, block);

        var symbols = ParseSymbols(symbolsBytes, block);
        var meta = BlockMetaCodec.Read(metaBytes, block, blobLength);

        var d = new BlockDecoder(offsetBytes, block, BlockSection.PostingsOffsets);
        var count = d.ReadCount(3, "entry count");
        var names = new List<string>();
        var values = new List<string[]>();
        var offsets = new List<long[]>();
        var lengths = new List<int[]>();
        var currentValues = new List<string>();
        var currentOffsets = new List<long>();
        var currentLengths = new List<int>();
        var position = footer.Postings.Offset;
        int lastName = -1, lastValue = -1;
        for (var i = 0; i < count; i++)
        {
            var name = d.ReadInt(symbols.Length - 1, "name ref");
            var value = d.ReadInt(symbols.Length - 1, "value ref");
            var length = d.ReadInt(int.MaxValue, "postings length");
            if (name < lastName || (name == lastName && value <= lastValue))
            {
                d.Fail($"entry {i} is out of order");
            }

            if (length < 6 || length > footer.AllPostingsOffset - position)
            {
                d.Fail($"entry {i}: postings list of {length} bytes does not fit the postings section");
            }

            if (name != lastName && currentValues.Count > 0)
            {
                Flush();
            }

            currentValues.Add(symbols[value]);
            currentOffsets.Add(position);
            currentLengths.Add(length);
            position += length;
            lastName = name;
            lastValue = value;
        }

        if (currentValues.Count > 0)
        {
            Flush();
        }

        d.ExpectEnd("the last entry");
        if (position != footer.AllPostingsOffset)
        {
            d.Fail($"postings lists end at {position}, not where the all-series list starts ({footer.AllPostingsOffset})");
        }

        return new BlockIndex(block, meta, footer, symbols, [.. names], [.. values], [.. offsets], [.. lengths]);

        void Flush()
        {
            names.Add(symbols[lastName]);
            values.Add([.. currentValues]);
            offsets.Add([.. currentOffsets]);
            lengths.Add([.. currentLengths]);
            currentValues.Clear();
            currentOffsets.Clear();
            currentLengths.Clear();
        }
    }

    /// <summary>The bytes of a whole-read section within the tail, checked against the footer's CRC.</summary>
    internal static ReadOnlySpan<byte> Section(ReadOnlySpan<byte> tail, BlockFooter footer, SectionRef section, BlockSection kind, string block)
    {
        var bytes = tail.Slice((int)(section.Offset - footer.Symbols.Offset), (int)section.Length);
        var crc = Crc32C.Compute(bytes);
        if (crc != section.Crc)
        {
            throw new CorruptBlockException(block, kind, $"checksum mismatch (stored 0x{section.Crc:x8}, computed 0x{crc:x8})");
        }

        return bytes;
    }

    private static string[] ParseSymbols(ReadOnlySpan<byte> bytes, string block)
    {
        var d = new BlockDecoder(bytes, block, BlockSection.Symbols);
        var count = d.ReadCount(2, "symbol count");
        var symbols = new string[count];
        var previous = ReadOnlySpan<byte>.Empty;
        for (var i = 0; i < count; i++)
        {
            var s = d.ReadBytes(d.ReadInt(d.Remaining, "symbol length"));
            if (s.IsEmpty || !Utf8.IsValid(s))
            {
                d.Fail($"symbol {i} is empty or not valid UTF-8");
            }

            if (i > 0 && previous.SequenceCompareTo(s) >= 0)
            {
                d.Fail($"symbol {i} is out of order");
            }

            symbols[i] = Encoding.UTF8.GetString(s);
            previous = s;
        }

        d.ExpectEnd("the last symbol");
        return symbols;
    }

    private int FindName(string name) => BinarySearch(_names, name);

    private static int BinarySearch(IReadOnlyList<string> sorted, string value)
    {
        int lo = 0, hi = sorted.Count - 1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var c = Utf8Ordinal.CompareSpans(sorted[mid], value);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return -1;
    }
}
