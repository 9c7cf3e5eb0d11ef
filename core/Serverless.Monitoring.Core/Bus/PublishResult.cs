using Serverless.Monitoring.Core.Storage.Ingest;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>What one <see cref="SamplePublisher.PublishAsync"/> sent.</summary>
/// <param name="Messages">Messages sent.</param>
/// <param name="Series">Series published.</param>
/// <param name="Samples">Samples published.</param>
/// <param name="Bytes">Compressed bytes sent.</param>
/// <param name="Dropped">Series too large for any message, with the reason (not sent).</param>
public sealed record PublishResult(int Messages, int Series, long Samples, long Bytes, IReadOnlyList<RejectedSeries> Dropped);
