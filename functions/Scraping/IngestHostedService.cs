using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Scraping;

/// <summary>
/// The embedded Ingest loop: takes batches from the sample bus (in process, or the Storage
/// Queue) and hands them to the storage engine through the <see cref="IngestProcessor"/>.
/// </summary>
internal sealed class IngestHostedService(
    SampleBus bus,
    StorageEngineAccessor engines,
    IStorageProvider storage,
    IOptions<ScrapeOptions> options,
    ILogger<IngestHostedService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var engine = await engines.GetAsync();
        var processor = new IngestProcessor(engine, log: message => logger.LogWarning("{Message}", message));
        try
        {
            if (bus.InProcess is { } channel)
            {
                while (!stoppingToken.IsCancellationRequested)
                {
                    var batch = await channel.ReadBatchAsync(256, stoppingToken);
                    if (batch.Count == 0)
                    {
                        break;
                    }

                    await IngestAsync(processor, batch, stoppingToken);
                }
            }
            else
            {
                var queue = storage.GetQueue(options.Value.QueueName);
                var poison = storage.GetQueue(options.Value.QueueName + "-poison");
                await queue.CreateIfNotExistsAsync(stoppingToken);
                await poison.CreateIfNotExistsAsync(stoppingToken);
                await new StorageQueueConsumer(queue, processor, poison, log: message => logger.LogWarning("{Message}", message)).RunAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task IngestAsync(IngestProcessor processor, IReadOnlyList<BusMessage> batch, CancellationToken cancellationToken)
    {
        // In process there is no redelivery: retry a failing batch until it is stored or the host stops.
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await processor.ProcessAsync(batch, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Ingesting {Count} messages failed (attempt {Attempt}); retrying", batch.Count, attempt);
                await Task.Delay(TimeSpan.FromSeconds(Math.Min(30, attempt)), cancellationToken);
            }
        }
    }
}
