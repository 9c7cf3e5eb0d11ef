using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>The bus <see cref="ScrapeOptions.Bus"/> selects: its publisher, and the in-process channel when that is the bus.</summary>
internal sealed class SampleBus
{
    /// <param name="eventHubs">The Event Hubs transport to use instead of one built from the settings (tests).</param>
    public SampleBus(IOptions<ScrapeOptions> options, IStorageProvider storage, IConfiguration configuration, MetricRegistry metrics, Adapters.Bus.EventHubsSampleTransport? eventHubs = null)
    {
        var settings = options.Value;
        ISampleTransport transport;
        if (settings.Bus == SampleBusKind.EventHubs)
        {
            transport = eventHubs ?? Adapters.Bus.EventHubsSampleTransport.Create(Adapters.Bus.EventHubsSettings.Resolve(configuration));
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

    public InProcessSampleTransport? InProcess { get; }

    public SamplePublisher Publisher { get; }

    /// <summary>Completes when the queue exists (Storage Queue bus).</summary>
    public Task QueueReady { get; } = Task.CompletedTask;
}
