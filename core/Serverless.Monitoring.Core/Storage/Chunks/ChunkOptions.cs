namespace Serverless.Monitoring.Core.Storage.Chunks;

/// <summary>
/// How series are cut into chunks. About 120 samples per chunk is where Gorilla compression has
/// paid off (about 1.3 bytes per sample for regular scrapes) while a query touching one sample
/// still decodes little; the time bound keeps sparse series from producing chunks that span
/// far more time than a block.
/// </summary>
public sealed record ChunkOptions
{
    /// <summary>Prometheus's defaults: 120 samples, at most two hours per chunk.</summary>
    public static ChunkOptions Default { get; } = new();

    /// <summary>Samples per chunk to aim for; chunks of a run are sized evenly up to this.</summary>
    public int TargetSamplesPerChunk { get; init; } = 120;

    /// <summary>A chunk's last timestamp is less than this many milliseconds after its first.</summary>
    public long MaxChunkDurationMs { get; init; } = 2 * 60 * 60 * 1000;

    /// <summary>Throws when a setting is out of range.</summary>
    public void Validate()
    {
        if (TargetSamplesPerChunk is < 1 or > XorChunkFormat.MaxSamples)
        {
            throw new ArgumentOutOfRangeException(
                nameof(TargetSamplesPerChunk), TargetSamplesPerChunk, $"must be within 1..{XorChunkFormat.MaxSamples}");
        }

        if (MaxChunkDurationMs < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxChunkDurationMs), MaxChunkDurationMs, "must be positive");
        }
    }
}
