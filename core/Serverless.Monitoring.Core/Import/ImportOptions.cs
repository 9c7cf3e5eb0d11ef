namespace Serverless.Monitoring.Core.Import;

/// <summary>How <see cref="OpenMetricsImporter"/> cuts a file into batches and stores them.</summary>
public sealed record ImportOptions
{
    /// <summary>
    /// Samples of one block window gathered before they are stored as one batch (one level-0
    /// block). Part of the batch IDs: re-importing with another value stores the file again
    /// (queries still see every sample once).
    /// </summary>
    public int MaxBatchSamples { get; init; } = 4_000_000;

    /// <summary>Batches stored at once while the file is still being read.</summary>
    public int IngestParallelism { get; init; } = 2;

    /// <summary>Bytes read from the file at a time (a line longer than this grows the buffer).</summary>
    public int ReadBufferSize { get; init; } = 4 << 20;

    /// <summary>Compact the imported blocks once everything is stored (as promtool writes full blocks).</summary>
    public bool Compact { get; init; } = true;

    /// <summary>Called after each piece of the file is parsed, from the reading thread.</summary>
    public Action<ImportProgress>? Progress { get; init; }

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxBatchSamples, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(IngestParallelism, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(ReadBufferSize, 1024);
    }
}

/// <summary>Where an import is: bytes of the file parsed so far, and samples and series seen.</summary>
public readonly record struct ImportProgress(long BytesRead, long? TotalBytes, long Samples, long Series, long SamplesStored);

/// <summary>What an import stored.</summary>
/// <param name="Series">Distinct series in the file.</param>
/// <param name="Samples">Samples read from the file.</param>
/// <param name="SamplesStored">Samples stored (a repeated timestamp of a series counts once; a replay stores nothing).</param>
/// <param name="Batches">Batches ingested.</param>
/// <param name="BlocksWritten">Level-0 blocks this import added (0 when the file was imported before).</param>
/// <param name="BlocksReplayed">Level-0 blocks that were already stored by an earlier import of the same file.</param>
/// <param name="BlocksMerged">Blocks written by the compaction at the end.</param>
/// <param name="Blocks">Active blocks covering the file's time range at the end.</param>
/// <param name="MinTimeMs">The earliest timestamp in the file.</param>
/// <param name="MaxTimeMs">The latest timestamp in the file.</param>
/// <param name="Bytes">Bytes read.</param>
/// <param name="Elapsed">Wall time from the first byte to the end of compaction.</param>
public sealed record ImportResult(
    long Series,
    long Samples,
    long SamplesStored,
    int Batches,
    int BlocksWritten,
    int BlocksReplayed,
    int BlocksMerged,
    int Blocks,
    long MinTimeMs,
    long MaxTimeMs,
    long Bytes,
    TimeSpan Elapsed)
{
    /// <summary>Samples read per second of <see cref="Elapsed"/>.</summary>
    public double SamplesPerSecond => Elapsed > TimeSpan.Zero ? Samples / Elapsed.TotalSeconds : 0;
}

/// <summary>
/// An import stopped at bad input (<see cref="Line"/> of <see cref="FileName"/>). Batches stored
/// before it are complete and valid (<see cref="SamplesStored"/>); nothing partial was written,
/// and importing the corrected file does not duplicate them.
/// </summary>
public sealed class ImportException : Exception
{
    public ImportException()
    {
    }

    public ImportException(string message)
        : base(message)
    {
        Reason = message;
    }

    public ImportException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    public ImportException(string fileName, int line, string reason, long samplesStored, int blocksStored, Exception? innerException = null)
        : base($"{fileName}:{line}: {reason}", innerException)
    {
        FileName = fileName;
        Line = line;
        Reason = reason;
        SamplesStored = samplesStored;
        BlocksStored = blocksStored;
    }

    /// <summary>The file (or stream name) being imported.</summary>
    public string FileName { get; } = string.Empty;

    /// <summary>The 1-based line of the problem.</summary>
    public int Line { get; }

    /// <summary>What is wrong.</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>Samples stored by batches that completed before the error.</summary>
    public long SamplesStored { get; }

    /// <summary>Level-0 blocks those batches added.</summary>
    public int BlocksStored { get; }
}
