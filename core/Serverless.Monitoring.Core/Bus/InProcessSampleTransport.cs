using System.Globalization;
using System.Threading.Channels;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// The sample bus inside one process (the embedded host): a bounded channel. Senders wait
/// while it is full, so a slow ingest slows scraping instead of growing memory. Message IDs
/// carry a per-instance random prefix, so IDs (and ingest batch IDs) never repeat across
/// restarts. Bodies are passed by reference: senders must not change them after sending.
/// </summary>
public sealed class InProcessSampleTransport : ISampleTransport
{
    /// <summary>The default message limit (1 MiB, as Event Hubs).</summary>
    public const int DefaultMaxMessageBytes = 1 << 20;

    private readonly Channel<BusMessage> _channel;
    private readonly string _idPrefix = "inproc:" + Guid.NewGuid().ToString("N") + ":";
    private long _next;

    /// <param name="capacity">Messages the channel holds before senders wait.</param>
    /// <param name="maxMessageBytes">The largest message.</param>
    public InProcessSampleTransport(int capacity = 1024, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 64);
        MaxMessageBytes = maxMessageBytes;
        _channel = Channel.CreateBounded<BusMessage>(new BoundedChannelOptions(capacity)
        {
            FullMode = BoundedChannelFullMode.Wait,
            SingleReader = false,
            SingleWriter = false,
        });
    }

    public int MaxMessageBytes { get; }

    /// <summary>Messages waiting to be read.</summary>
    public int Count => _channel.Reader.Count;

    public async Task SendAsync(string partitionKey, IReadOnlyList<ReadOnlyMemory<byte>> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var body in messages)
        {
            if (body.Length > MaxMessageBytes)
            {
                throw new ArgumentException($"a message of {body.Length} bytes exceeds the {MaxMessageBytes}-byte limit", nameof(messages));
            }

            var id = _idPrefix + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
            await _channel.Writer.WriteAsync(new BusMessage(id, body), cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Waits for at least one message, then returns up to <paramref name="maxMessages"/> of those
    /// ready. Returns an empty list once <see cref="Complete"/> was called and the channel is drained.
    /// </summary>
    public async Task<IReadOnlyList<BusMessage>> ReadBatchAsync(int maxMessages, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessages, 1);
        var reader = _channel.Reader;
        if (!await reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return [];
        }

        var batch = new List<BusMessage>();
        while (batch.Count < maxMessages && reader.TryRead(out var message))
        {
            batch.Add(message);
        }

        return batch;
    }

    /// <summary>No more messages will be sent; readers drain what is left.</summary>
    public void Complete() => _channel.Writer.TryComplete();
}
