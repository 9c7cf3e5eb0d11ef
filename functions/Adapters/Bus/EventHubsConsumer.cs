using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>
/// The process's Event Hubs consumer, what the ingest orchestration's activities and the embedded
/// loop call: the partition IDs to fan out over, and one run of one partition (the
/// <see cref="EventHubsPartitionJob"/>), whose batches are stored by the process's Ingest job and
/// checkpointed in the <see cref="CheckpointTable"/> table.
/// </summary>
internal sealed class EventHubsConsumer
{
    /// <summary>The table of partition checkpoints, in the monitoring storage account.</summary>
    public const string CheckpointTable = "eventhubcheckpoints";

    private readonly Lazy<Task<EventHubsPartitionIngest>> _ingest;
    private readonly JobRunner _runner;
    private readonly EventHubsPartitionJob _job;

    public EventHubsConsumer(
        IEventPartitionSource source,
        IStorageProvider storage,
        JobRunner runner,
        IngestJob ingest,
        MetricRegistry metrics,
        ILogger<EventHubsConsumer> logger,
        EventHubsIngestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(runner);
        ArgumentNullException.ThrowIfNull(ingest);
        _runner = runner;
        _ingest = new(() => Task.FromResult(new EventHubsPartitionIngest(
            source,
            storage.GetTableStore(CheckpointTable),
            (batch, cancellationToken) => runner.RunAsync(ingest, batch, cancellationToken),
            options,
            metrics,
            log: message => logger.LogWarning("{Message}", message))));
        _job = new EventHubsPartitionJob(() => _ingest.Value);
    }

    /// <exception cref="EventHubsReadException">The hub could not be reached after the client's retries.</exception>
    public async Task<IReadOnlyList<string>> GetPartitionIdsAsync(CancellationToken cancellationToken = default) =>
        await (await _ingest.Value).GetPartitionIdsAsync(cancellationToken);

    /// <summary>One run of one partition, through the job runner.</summary>
    /// <exception cref="EventHubsReadException">The hub could not be read after the client's retries.</exception>
    /// <exception cref="StorageException">Storing or checkpointing failed; the checkpoint covers only what is stored.</exception>
    public Task<PartitionIngestResult> RunPartitionAsync(string partitionId, CancellationToken cancellationToken = default) =>
        _runner.RunAsync(_job, partitionId, cancellationToken);
}
