using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Functions.Durable;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// Ingestion from Event Hubs, which has no trigger here (its host extension is not available): a
/// timer that keeps the <see cref="EventHubsIngestionOrchestration"/> running when the bus is Event
/// Hubs, the orchestration itself, and its two activities over the <see cref="EventHubsConsumer"/>.
/// The pattern for the app's durable work: the function class binds triggers and calls a static,
/// deterministic orchestration (in <c>Durable/</c>) and core's jobs; tests register the same methods
/// under the same names with the in-process Durable Task engine.
/// </summary>
internal sealed class EventHubsIngestionFunctions(EventHubsConsumer consumer, IOptions<ScrapeOptions> scrape)
{
    public const string StarterName = "StartEventHubsIngestion";

    [Function(StarterName)]
    public async Task StartAsync(
        [TimerTrigger("0 */1 * * * *")] TimerInfo timer,
        [DurableClient] DurableTaskClient client,
        CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        if (scrape.Value.Bus == SampleBusKind.EventHubs)
        {
            await EventHubsIngestionOrchestration.EnsureRunningAsync(client, cancellationToken);
        }
    }

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
