namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// The byte layout of a block: one immutable blob holding XOR chunks and a block-local index,
/// laid out so a reader needs only range reads: the fixed-size footer at the very end names
/// every section, the small sections a reader keeps in memory (symbols, postings offsets, meta)
/// sit together just before it, and the big ones (chunks, series, postings) are read entry by
/// entry, each entry carrying its own length and CRC32C.
/// <code>
/// header         magic "SMBK" (u32) | version (u8) | 3 zero bytes                    8 bytes
/// chunks         per chunk: len (uvarint) | encoding (u8, 1 = XOR) | data | CRC32C(encoding, data)
/// series         per series, in label order: len (uvarint) | body | CRC32C(body)
///                  body: #labels | (name ref, value ref)... | #chunks | chunk metas
///                  chunk 0: minT (varint) | maxT-minT | offset in the chunk section | entry length
///                  chunk i: minT-maxT(i-1) | maxT-minT | entry length (offset follows the previous one)
/// postings       per label pair, in offset table order, then the all-series list last:
///                  #refs (uvarint) | ref deltas (uvarint) | CRC32C of both; a ref is a series entry's
///                  offset within the series section, so ascending refs are label order
/// symbols        #symbols | (len, UTF-8 bytes)...; distinct, ascending in byte order
/// postings offs  #entries | (name ref, value ref, postings list length)...; ascending by
///                  (name, value); lists follow one another, so offsets add up
/// meta           block ID | minT | maxT (inclusive, varints) | #series | #samples | #chunks |
///                  compaction level | #sources | source IDs (strings are len + UTF-8)
/// footer         6 × (offset u64, length u64, CRC32C u32) for chunks, series, postings,
///                  symbols, postings offsets, meta | all-postings offset u64, length u32 |
///                  longest series entry u32 | version u32 | CRC32C of the above | magic u32
/// </code>
/// Integers marked u8/u32/u64 are fixed-width big-endian; all other integers are (zig-zag for
/// varint) LEB128 varints as in Go's <c>encoding/binary</c>. Offsets in the footer are absolute;
/// chunk offsets are relative to the chunk section and series refs to the series section.
/// Sections follow one another without gaps in the order above.
/// </summary>
public static class BlockFormat
{
    /// <summary>"SMBK": the first and the last four bytes of every block.</summary>
    public const uint Magic = 0x534D424B;

    /// <summary>The format version this code writes and reads.</summary>
    public const byte Version = 1;

    /// <summary>Bytes before the chunk section.</summary>
    public const int HeaderSize = 8;

    /// <summary>Bytes of the footer at the very end.</summary>
    public const int FooterSize = (SectionCount * SectionRefSize) + 8 + 4 + 4 + 4 + 4 + 4;

    /// <summary>The chunk encoding byte of an XOR chunk.</summary>
    public const byte XorEncoding = 1;

    /// <summary>A chunk entry's bytes besides its data: at most a 5-byte length, the encoding byte, the CRC.</summary>
    internal const int MaxChunkOverhead = 5 + 1 + 4;

    internal const int SectionCount = 6;
    internal const int SectionRefSize = 8 + 8 + 4;
    internal const int CrcSize = 4;
}

/// <summary>The parts of a block, as named in <see cref="CorruptBlockException"/>.</summary>
public enum BlockSection
{
    /// <summary>The blob as a whole (its length, or a read beyond its end).</summary>
    Blob,

    /// <summary>The magic number and version at the start.</summary>
    Header,

    /// <summary>XOR chunks.</summary>
    Chunks,

    /// <summary>Series entries: labels and chunk references.</summary>
    Series,

    /// <summary>Postings lists.</summary>
    Postings,

    /// <summary>The symbol table.</summary>
    Symbols,

    /// <summary>The postings offset table.</summary>
    PostingsOffsets,

    /// <summary>Block metadata.</summary>
    Meta,

    /// <summary>The table of contents at the end.</summary>
    Footer,
}
