using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>
/// The process's Event Hubs consumer, what the ingest orchestration's activities call: the partition
/// IDs to fan out over, and one bounded run of one partition (<see cref="EventHubsPartitionIngest"/>)
/// with the process's storage engine, checkpoints in the <see cref="CheckpointTable"/> table and metrics.
/// </summary>
internal sealed class EventHubsConsumer
{
    /// <summary>The table of partition checkpoints, in the monitoring storage account.</summary>
    public const string CheckpointTable = "eventhubcheckpoints";

    private readonly Lazy<Task<EventHubsPartitionIngest>> _ingest;

    public EventHubsConsumer(
        IEventPartitionSource source,
        IStorageProvider storage,
        StorageEngineAccessor engines,
        MetricRegistry metrics,
        ILogger<EventHubsConsumer> logger,
        EventHubsIngestOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(storage);
        ArgumentNullException.ThrowIfNull(engines);
        _ingest = new(async () =>
        {
            void Log(string message) => logger.LogWarning("{Message}", message);
            var engine = await engines.GetAsync();
            return new EventHubsPartitionIngest(
                source, storage.GetTableStore(CheckpointTable), new IngestProcessor(engine, metrics, Log), options, metrics, log: Log);
        });
    }

    /// <exception cref="EventHubsReadException">The hub could not be reached after the client's retries.</exception>
    public async Task<IReadOnlyList<string>> GetPartitionIdsAsync(CancellationToken cancellationToken = default) =>
        await (await _ingest.Value).GetPartitionIdsAsync(cancellationToken);

    /// <summary>One run of one partition (see <see cref="EventHubsPartitionIngest.RunAsync"/>).</summary>
    /// <exception cref="EventHubsReadException">The hub could not be read after the client's retries.</exception>
    /// <exception cref="StorageException">Storing or checkpointing failed; the checkpoint covers only what is stored.</exception>
    public async Task<PartitionIngestResult> RunPartitionAsync(string partitionId, CancellationToken cancellationToken = default) =>
        await (await _ingest.Value).RunAsync(partitionId, cancellationToken);
}
