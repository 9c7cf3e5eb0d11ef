using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>
/// Where rule evaluations' samples go: the sample bus, like scraped samples, under one partition key
/// so that an Event Hubs bus keeps their order.
/// </summary>
internal sealed class RuleOutput(SampleBus bus)
{
    public const string PartitionKey = "rules";

    public async Task PublishAsync(IReadOnlyList<SeriesSamples> series, CancellationToken cancellationToken)
    {
        await bus.QueueReady.WaitAsync(cancellationToken);
        await bus.Publisher.PublishAsync(PartitionKey, series, cancellationToken);
    }
}
