using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>The bus <see cref="ScrapeOptions.Bus"/> selects: its publisher, and the in-process channel when that is the bus.</summary>
internal sealed class SampleBus
{
    /// <summary>The connection setting the Event Hubs trigger and this publisher share (a connection string, or <c>__fullyQualifiedNamespace</c> for Entra ID).</summary>
    public const string EventHubConnectionSetting = "EventHubConnection";

    /// <summary>The setting naming the event hub (as the trigger's <c>%EventHubName%</c>).</summary>
    public const string EventHubNameSetting = "EventHubName";

    public SampleBus(IOptions<ScrapeOptions> options, IStorageProvider storage, IConfiguration configuration, MetricRegistry metrics)
    {
        var settings = options.Value;
        ISampleTransport transport;
        if (settings.Bus == SampleBusKind.EventHubs)
        {
            transport = new Adapters.Bus.EventHubsSampleTransport(EventHubs(configuration));
        }
        else if (settings.Bus == SampleBusKind.StorageQueue)
        {
            var queue = storage.GetQueue(settings.QueueName);
            QueueReady = queue.CreateIfNotExistsAsync();
            transport = new StorageQueueSampleTransport(queue);
        }
        else
        {
            InProcess = new InProcessSampleTransport();
            transport = InProcess;
        }

        Publisher = new SamplePublisher(transport, metrics);
    }

    private static Adapters.Bus.EventHubsConnection EventHubs(IConfiguration configuration)
    {
        var hub = configuration[EventHubNameSetting] is { Length: > 0 } name ? name : "samples";
        if (configuration[EventHubConnectionSetting] is { Length: > 0 } connectionString)
        {
            return Adapters.Bus.EventHubsConnection.Parse(connectionString, hub);
        }

        if (configuration[$"{EventHubConnectionSetting}:fullyQualifiedNamespace"] is { Length: > 0 } ns)
        {
            return Adapters.Bus.EventHubsConnection.WithCredential(ns, hub, new Azure.Identity.DefaultAzureCredential());
        }

        throw new InvalidOperationException($"Scrape:Bus is EventHubs but neither {EventHubConnectionSetting} nor {EventHubConnectionSetting}__fullyQualifiedNamespace is set.");
    }

    public InProcessSampleTransport? InProcess { get; }

    public SamplePublisher Publisher { get; }

    /// <summary>Completes when the queue exists (Storage Queue bus).</summary>
    public Task QueueReady { get; } = Task.CompletedTask;
}
