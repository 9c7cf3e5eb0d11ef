namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>How a <see cref="BlockReader"/> turns the byte ranges it needs into ranged GETs.</summary>
public sealed record BlockReaderOptions
{
    /// <summary>The defaults.</summary>
    public static BlockReaderOptions Default { get; } = new();

    /// <summary>Two ranges this close (or closer) are read with one GET, the gap read and discarded.</summary>
    public int MaxGapBytes { get; init; } = 64 << 10;

    /// <summary>Ranges are not merged into a GET larger than this (a single larger range is still read whole).</summary>
    public int MaxReadBytes { get; init; } = 8 << 20;

    /// <summary>
    /// On open, this many bytes at the end of the blob are read in one go, in the hope that the
    /// symbols, postings offsets, meta and footer all lie within them (one GET instead of two).
    /// </summary>
    public int OpenReadBytes { get; init; } = 16 << 10;

    /// <summary>At most this many GETs of one call are in flight at a time.</summary>
    public int MaxConcurrentReads { get; init; } = 4;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfNegative(MaxGapBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxReadBytes, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(OpenReadBytes);
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConcurrentReads, 1);
    }
}
