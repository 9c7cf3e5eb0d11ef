using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Functions.Durable;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>
/// Drives the Ingest job from the sample bus: batches from the in-process channel, from the
/// Storage Queue through the <see cref="StorageQueueConsumer"/> (the Ingest function's twin), or
/// from every Event Hubs partition through the <see cref="EventHubsConsumer"/>.
/// </summary>
internal sealed class IngestLoop(
    SampleBus bus,
    JobRunner runner,
    IngestJob job,
    IStorageProvider storage,
    IOptions<ScrapeOptions> options,
    Lazy<EventHubsConsumer> eventHubs,
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
                await IngestEventHubsAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>
    /// The embedded twin of the function app's ingestion orchestration: every partition at once, then a
    /// pause (short while a partition has a backlog), until the host stops. A failed partition run is
    /// logged by the runner and tried again in the next round, from the checkpoint it left.
    /// </summary>
    private async Task IngestEventHubsAsync(CancellationToken stoppingToken)
    {
        var consumer = eventHubs.Value;
        while (!stoppingToken.IsCancellationRequested)
        {
            var caughtUp = false;
            try
            {
                var partitions = await consumer.GetPartitionIdsAsync(stoppingToken);
                var results = await Task.WhenAll(partitions.Select(async partition =>
                {
                    try
                    {
                        return (await consumer.RunPartitionAsync(partition, stoppingToken)).CaughtUp;
                    }
                    catch (Exception ex) when (ex is not OperationCanceledException)
                    {
                        return false;
                    }
                }));
                caughtUp = results.All(c => c);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Listing the Event Hubs partitions failed; trying again: {Error}", ex.Message);
            }

            await Task.Delay(caughtUp ? EventHubsIngestionOrchestration.IdlePoll : EventHubsIngestionOrchestration.BusyPause, time, stoppingToken);
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
