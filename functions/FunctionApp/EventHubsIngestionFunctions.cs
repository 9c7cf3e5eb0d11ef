using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Functions.Durable;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// Ingestion from Event Hubs, which has no trigger here (its host extension is not available): the
/// <see cref="EventHubsIngestionOrchestration"/> and its two activities over the
/// <see cref="EventHubsConsumer"/> (the <see cref="EventHubsIngestionStarter"/> timer keeps it running).
/// The pattern for the app's durable work: the function class binds triggers and calls a static,
/// deterministic orchestration (in <c>Durable/</c>) and core's jobs; tests register the same methods
/// under the same names with the in-process Durable Task engine.
/// </summary>
internal sealed class EventHubsIngestionFunctions(EventHubsConsumer consumer)
{
    [Function(EventHubsIngestionOrchestration.Name)]
    public static Task<IngestionRounds> RunOrchestrationAsync([OrchestrationTrigger] TaskOrchestrationContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return EventHubsIngestionOrchestration.RunAsync(context, context.GetInput<IngestionRounds>());
    }

    [Function(EventHubsIngestionOrchestration.ListPartitions)]
    public async Task<string[]> ListPartitionsAsync([ActivityTrigger] string? input, CancellationToken cancellationToken) =>
        [.. await consumer.GetPartitionIdsAsync(cancellationToken)];

    [Function(EventHubsIngestionOrchestration.IngestPartition)]
    public async Task<PartitionIngestSummary> IngestPartitionAsync([ActivityTrigger] string partitionId, CancellationToken cancellationToken)
    {
        var result = await consumer.RunPartitionAsync(partitionId, cancellationToken);
        return new PartitionIngestSummary(result.PartitionId, result.EventsRead, result.Samples, result.CaughtUp);
    }
}
