using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// The sample bus over a Storage Queue (Azure, Azurite or local disk): one queue message per bus
/// message, base64-encoded by the queue adapter, so the limit is the queue's (48 KiB raw for
/// 64 KiB of base64). A queue has no partitions, so the partition key is not used.
/// </summary>
public sealed class StorageQueueSampleTransport : ISampleTransport
{
    private readonly IMessageQueue _queue;

    public StorageQueueSampleTransport(IMessageQueue queue)
    {
        ArgumentNullException.ThrowIfNull(queue);
        _queue = queue;
    }

    public int MaxMessageBytes => _queue.MaxMessageBytes;

    public async Task SendAsync(string partitionKey, IReadOnlyList<ReadOnlyMemory<byte>> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var body in messages)
        {
            await _queue.SendAsync(body, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }
}
