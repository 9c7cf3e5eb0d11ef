using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Jobs;

namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>
/// One bounded run of one Event Hubs partition (<see cref="EventHubsPartitionIngest.RunAsync"/>): the
/// function app's per-partition activity and the embedded server's Event Hubs loop. Not retried here:
/// each batch's store is the Ingest job, retried as a storage write, and the hub's client retries its
/// reads; a failed run leaves the checkpoint where it was for the next run.
/// </summary>
public sealed class EventHubsPartitionJob(Func<Task<EventHubsPartitionIngest>> ingest) : IJob<string, PartitionIngestResult>
{
    public const string JobName = "IngestEventHubsPartition";

    public string Name => JobName;

    public RetryPolicy Retry => RetryPolicy.None;

    public LogLevel SuccessLevel => LogLevel.Debug;

    public async Task<PartitionIngestResult> RunAsync(string input, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(input);
        var partitions = await ingest().ConfigureAwait(false);
        return await partitions.RunAsync(input, cancellationToken).ConfigureAwait(false);
    }

    public string Describe(PartitionIngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        return string.Create(CultureInfo.InvariantCulture,
            $"partition {result.PartitionId}: read {result.EventsRead} events, stored {result.EventsStored} ({result.Samples} samples) in {result.Batches} batches, checkpoint {result.Checkpoint?.ToString(CultureInfo.InvariantCulture) ?? "none"}, lag {result.Lag}");
    }

    public IEnumerable<string> Warnings(PartitionIngestResult result)
    {
        ArgumentNullException.ThrowIfNull(result);
        if (result.EventsUndecodable > 0)
        {
            yield return $"partition {result.PartitionId}: {result.EventsUndecodable} events were not remote-write messages and were skipped";
        }
    }
}
