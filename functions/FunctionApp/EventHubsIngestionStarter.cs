using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Durable;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// Every minute, starts the Event Hubs ingestion orchestration unless it is running (so a loop that
/// failed or was stopped comes back), through the durable client binding. With another bus it does
/// nothing, and needs nothing of the Event Hubs settings.
/// </summary>
internal sealed class EventHubsIngestionStarter(IOptions<ScrapeOptions> scrape)
{
    public const string Name = "StartEventHubsIngestion";

    [Function(Name)]
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
}
