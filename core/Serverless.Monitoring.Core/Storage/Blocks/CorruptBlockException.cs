namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// A block's bytes are not a valid block: a bad magic number or version, a checksum mismatch,
/// a truncated blob, or a structure that does not add up. Names the block and the section, so
/// a querier can skip the block with a warning and report it.
/// </summary>
public sealed class CorruptBlockException : Exception
{
    public CorruptBlockException()
        : this(string.Empty, BlockSection.Blob, "corrupt block")
    {
    }

    public CorruptBlockException(string message)
        : this(string.Empty, BlockSection.Blob, message)
    {
    }

    public CorruptBlockException(string message, Exception innerException)
        : this(string.Empty, BlockSection.Blob, message, innerException)
    {
    }

    public CorruptBlockException(string blockName, BlockSection section, string reason, Exception? innerException = null)
        : base($"block '{blockName}' is corrupt: {Describe(section)}: {reason}", innerException)
    {
        BlockName = blockName;
        Section = section;
        Reason = reason;
    }

    /// <summary>The blob name of the block.</summary>
    public string BlockName { get; }

    /// <summary>Where the problem was found.</summary>
    public BlockSection Section { get; }

    /// <summary>What is wrong, without the block name.</summary>
    public string Reason { get; }

    private static string Describe(BlockSection section) => section switch
    {
        BlockSection.Blob => "blob",
        BlockSection.Header => "header",
        BlockSection.Chunks => "chunk section",
        BlockSection.Series => "series section",
        BlockSection.Postings => "postings section",
        BlockSection.Symbols => "symbol table",
        BlockSection.PostingsOffsets => "postings offset table",
        BlockSection.Meta => "meta section",
        _ => "footer",
    };
}
