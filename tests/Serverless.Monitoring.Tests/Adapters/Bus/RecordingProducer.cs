using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Serverless.Monitoring.Tests.Adapters.Bus;

/// <summary>
/// An <see cref="EventHubProducerClient"/> without a service (the SDK's mocking support: the protected
/// constructor, virtual members and <see cref="EventHubsModelFactory.EventDataBatch"/>). Its batches
/// hold up to <see cref="BatchSizeBytes"/> of event bodies; sends are recorded, and may be held at a
/// gate or fail.
/// </summary>
internal sealed class RecordingProducer : EventHubProducerClient
{
    private readonly Dictionary<EventDataBatch, (CreateBatchOptions Options, List<EventData> Events)> _batches = new(ReferenceEqualityComparer.Instance);
    private readonly Lock _gate = new();

    public long BatchSizeBytes { get; init; } = 1024 * 1024;

    /// <summary>Sends wait for this task (null: they complete at once).</summary>
    public Task? SendGate { get; set; }

    /// <summary>Thrown by sends while set (after the client's retries).</summary>
    public Exception? Failure { get; set; }

    public List<(string? PartitionKey, List<byte[]> Bodies)> Sent { get; } = [];

    public int BatchesCreated { get; private set; }

    /// <summary>Completes when the first send starts.</summary>
    public TaskCompletionSource SendStarted { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override ValueTask<EventDataBatch> CreateBatchAsync(CreateBatchOptions options, CancellationToken cancellationToken = default)
    {
        var events = new List<EventData>();
        long size = 0;
        // A real batch reports the service's limit as its maximum size.
        var batchOptions = new CreateBatchOptions { PartitionKey = options.PartitionKey, PartitionId = options.PartitionId, MaximumSizeInBytes = BatchSizeBytes };
        var batch = EventHubsModelFactory.EventDataBatch(0, events, batchOptions, e =>
        {
            var length = e.EventBody.ToMemory().Length;
            if (size + length > BatchSizeBytes)
            {
                return false;
            }

            size += length;
            return true;
        });
        lock (_gate)
        {
            _batches[batch] = (options, events);
            BatchesCreated++;
        }

        return ValueTask.FromResult(batch);
    }

    public override async Task SendAsync(EventDataBatch eventBatch, CancellationToken cancellationToken = default)
    {
        SendStarted.TrySetResult();
        if (SendGate is { } gate)
        {
            await gate.WaitAsync(cancellationToken);
        }

        if (Failure is { } failure)
        {
            throw failure;
        }

        lock (_gate)
        {
            var (options, events) = _batches[eventBatch];
            Sent.Add((options.PartitionKey, events.Select(e => e.EventBody.ToArray()).ToList()));
        }
    }

    public override Task CloseAsync(CancellationToken cancellationToken = default) => Task.CompletedTask;
}
