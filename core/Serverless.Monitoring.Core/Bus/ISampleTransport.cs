namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// The sending side of the sample bus between Scrape and Ingest: in-process channel, Storage
/// Queue, or Event Hubs. Each message is a snappy-compressed remote-write <c>WriteRequest</c>
/// no larger than <see cref="MaxMessageBytes"/>.
/// </summary>
public interface ISampleTransport
{
    /// <summary>The largest message body the transport carries, in bytes (after any encoding it adds is accounted for).</summary>
    int MaxMessageBytes { get; }

    /// <summary>
    /// Sends the messages of one publication. <paramref name="partitionKey"/> (the scrape target's
    /// identity) keeps one target's messages together where the transport has partitions.
    /// Completes when the transport has accepted every message; throws when it has not.
    /// </summary>
    Task SendAsync(string partitionKey, IReadOnlyList<ReadOnlyMemory<byte>> messages, CancellationToken cancellationToken);
}
