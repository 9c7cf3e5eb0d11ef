namespace Serverless.Monitoring.Core.Storage.Chunks;

/// <summary>
/// One encoded XOR chunk and the time range it covers (both ends inclusive, in ms). Equality
/// compares <see cref="Data"/> by reference, as for any record holding an array.
/// </summary>
public sealed record EncodedChunk(long MinTimeMs, long MaxTimeMs, int SampleCount, byte[] Data)
{
    /// <summary>An iterator over the chunk's samples.</summary>
    public XorChunkIterator Iterator() => new(Data);
}
