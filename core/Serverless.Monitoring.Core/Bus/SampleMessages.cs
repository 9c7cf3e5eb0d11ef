using Serverless.Monitoring.Core.Storage.Ingest;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// One publication cut into bus messages.
/// </summary>
/// <param name="Messages">Snappy-compressed <c>WriteRequest</c> bodies, each within the limit, in series order.</param>
/// <param name="Dropped">Series that cannot fit any message (their labels alone exceed the limit), with the reason.</param>
/// <param name="RawBytes">Uncompressed protobuf bytes across the messages.</param>
/// <param name="Samples">Samples across the messages.</param>
public sealed record SampleMessages(IReadOnlyList<byte[]> Messages, IReadOnlyList<RejectedSeries> Dropped, long RawBytes, long Samples)
{
    /// <summary>Compressed bytes across the messages.</summary>
    public long Bytes => Messages.Sum(m => (long)m.Length);
}
