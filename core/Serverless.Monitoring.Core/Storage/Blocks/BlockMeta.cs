namespace Serverless.Monitoring.Core.Storage.Blocks;

/// <summary>
/// What a catalog needs to know about a block without opening it. Stored in the block's meta
/// section and returned by <see cref="BlockWriter"/> and <see cref="BlockIndex"/>.
/// </summary>
/// <param name="Id">The block ID (see <see cref="BlockId"/>).</param>
/// <param name="MinTimeMs">Timestamp of the earliest sample.</param>
/// <param name="MaxTimeMs">Timestamp of the latest sample (inclusive, unlike Prometheus's meta.json).</param>
/// <param name="NumSeries">Number of series.</param>
/// <param name="NumSamples">Number of samples.</param>
/// <param name="NumChunks">Number of chunks.</param>
/// <param name="CompactionLevel">0 for blocks written by ingest, one more than the highest source for merged blocks.</param>
/// <param name="Sources">IDs of the blocks this one was merged from, ascending; empty for ingested blocks.</param>
public sealed record BlockMeta(
    string Id,
    long MinTimeMs,
    long MaxTimeMs,
    long NumSeries,
    long NumSamples,
    long NumChunks,
    int CompactionLevel,
    IReadOnlyList<string> Sources)
{
    /// <summary>Size of the whole blob in bytes (not part of the meta section; known from the write or the read).</summary>
    public long SizeBytes { get; init; }

    /// <summary>True when the block holds samples in [<paramref name="minTimeMs"/>, <paramref name="maxTimeMs"/>] (inclusive) could exist.</summary>
    public bool Overlaps(long minTimeMs, long maxTimeMs) => MinTimeMs <= maxTimeMs && MaxTimeMs >= minTimeMs;

    public bool Equals(BlockMeta? other) =>
        other is not null
        && string.Equals(Id, other.Id, StringComparison.Ordinal)
        && MinTimeMs == other.MinTimeMs
        && MaxTimeMs == other.MaxTimeMs
        && NumSeries == other.NumSeries
        && NumSamples == other.NumSamples
        && NumChunks == other.NumChunks
        && CompactionLevel == other.CompactionLevel
        && SizeBytes == other.SizeBytes
        && Sources.SequenceEqual(other.Sources, StringComparer.Ordinal);

    public override int GetHashCode() => HashCode.Combine(Id, MinTimeMs, MaxTimeMs, NumSeries, NumSamples, NumChunks, CompactionLevel);
}
