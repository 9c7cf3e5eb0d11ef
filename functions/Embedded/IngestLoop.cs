using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>
/// Drives the Ingest job from the sample bus: batches from the in-process channel, or from the
/// Storage Queue through the <see cref="StorageQueueConsumer"/> (the IngestQueue function's twin).
/// </summary>
internal sealed class IngestLoop(
    SampleBus bus,
    JobRunner runner,
    IngestJob job,
    IStorageProvider storage,
    IOptions<ScrapeOptions> options,
    TimeProvider time,
    ILogger<IngestLoop> logger) : BackgroundService
{
    private static readonly TimeSpan RedeliveryDelay = TimeSpan.FromSeconds(5);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

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

                    await IngestUntilStoredAsync(batch, stoppingToken);
                }
            }
            else if (options.Value.Bus == SampleBusKind.StorageQueue)
            {
                var queue = storage.GetQueue(options.Value.QueueName);
                var poison = storage.GetQueue(options.Value.QueueName + "-poison");
                await queue.CreateIfNotExistsAsync(stoppingToken);
                await poison.CreateIfNotExistsAsync(stoppingToken);
                await new StorageQueueConsumer(
                    queue,
                    (batch, cancellationToken) => runner.RunAsync(job, batch, cancellationToken),
                    poison,
                    time: time,
                    log: message => logger.LogWarning("{Message}", message)).RunAsync(stoppingToken);
            }
            else
            {
                logger.LogInformation("Samples go to Event Hubs; the function app's Event Hubs ingestion stores them.");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The in-process channel has no redelivery: a batch whose job failed (after the job's own
    /// retries) is run again after a pause, until it is stored or the host stops.
    /// </summary>
    private async Task IngestUntilStoredAsync(IReadOnlyList<BusMessage> batch, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                await runner.RunAsync(job, batch, cancellationToken);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                await Task.Delay(RedeliveryDelay, time, cancellationToken);
            }
        }
    }
}
