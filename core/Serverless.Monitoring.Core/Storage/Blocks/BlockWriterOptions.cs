using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>Settings of one block write.</summary>
public sealed record BlockWriterOptions
{
    /// <summary>
    /// The block's ID, or <c>null</c> to derive one from the block's content (a ULID whose time
    /// part is the block's first timestamp; see <see cref="Blocks.BlockId"/>). Either way a
    /// retried write of the same input produces the same bytes.
    /// </summary>
    public string? BlockId { get; init; }

    /// <summary>The compaction level recorded in the meta section.</summary>
    public int CompactionLevel { get; init; }

    /// <summary>IDs of the blocks merged into this one; stored sorted and without duplicates.</summary>
    public IReadOnlyList<string> Sources { get; init; } = [];

    /// <summary>How series given as samples are cut into chunks.</summary>
    public ChunkOptions Chunks { get; init; } = ChunkOptions.Default;

    /// <summary>Throws when a setting is invalid.</summary>
    public void Validate()
    {
        if (BlockId is not null && !Blocks.BlockId.IsValid(BlockId))
        {
            throw new ArgumentException($"invalid block ID '{BlockId}': {Blocks.BlockId.Rule}", nameof(BlockId));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(CompactionLevel);
        ArgumentNullException.ThrowIfNull(Sources);
        foreach (var source in Sources)
        {
            if (!Blocks.BlockId.IsValid(source))
            {
                throw new ArgumentException($"invalid source block ID '{source}': {Blocks.BlockId.Rule}", nameof(Sources));
            }
        }

        ArgumentNullException.ThrowIfNull(Chunks);
        Chunks.Validate();
    }
}
