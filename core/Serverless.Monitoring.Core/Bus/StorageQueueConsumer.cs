using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Core.Bus;

/// <summary>
/// The Ingest loop over a Storage Queue for the embedded host: receive a batch, ingest it,
/// acknowledge what was stored. An undecodable message is copied to the poison queue (when
/// one is given) and acknowledged at once; without a poison queue it is left unacknowledged,
/// so the queue adapter parks it after its delivery limit. A storage failure leaves the whole
/// batch unacknowledged: it comes back after the visibility timeout and replays idempotently.
/// </summary>
public sealed class StorageQueueConsumer
{
    private readonly IMessageQueue _queue;
    private readonly IMessageQueue? _poison;
    private readonly Func<IReadOnlyList<BusMessage>, CancellationToken, Task<IngestOutcome>> _ingest;
    private readonly StorageQueueConsumerOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string>? _log;

    public StorageQueueConsumer(
        IMessageQueue queue,
        IngestProcessor processor,
        IMessageQueue? poisonQueue = null,
        StorageQueueConsumerOptions? options = null,
        TimeProvider? time = null,
        Action<string>? log = null)
        : this(queue, (processor ?? throw new ArgumentNullException(nameof(processor))).ProcessAsync, poisonQueue, options, time, log)
    {
    }

    /// <param name="ingest">Stores a batch (the host passes the ingest job run by its job runner).</param>
    public StorageQueueConsumer(
        IMessageQueue queue,
        Func<IReadOnlyList<BusMessage>, CancellationToken, Task<IngestOutcome>> ingest,
        IMessageQueue? poisonQueue = null,
        StorageQueueConsumerOptions? options = null,
        TimeProvider? time = null,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(queue);
        ArgumentNullException.ThrowIfNull(ingest);
        _options = options ?? new StorageQueueConsumerOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(_options.BatchSize, 1, nameof(options));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(_options.BatchSize, 32, nameof(options));
        _queue = queue;
        _poison = poisonQueue;
        _ingest = ingest;
        _time = time ?? TimeProvider.System;
        _log = log;
    }

    /// <summary>Receives one batch and ingests it; returns how many messages were received (0 when the queue was empty).</summary>
    public async Task<int> ReceiveOnceAsync(CancellationToken cancellationToken = default)
    {
        var received = await _queue.ReceiveAsync(_options.BatchSize, _options.VisibilityTimeout, cancellationToken).ConfigureAwait(false);
        if (received.Count == 0)
        {
            return 0;
        }

        var byId = new Dictionary<string, QueueMessage>(StringComparer.Ordinal);
        var messages = new List<BusMessage>(received.Count);
        foreach (var m in received)
        {
            var id = BusMessage.StorageQueueId(_queue.QueueName, m.Id);
            byId[id] = m;
            messages.Add(new BusMessage(id, m.Body));
        }

        var outcome = await _ingest(messages, cancellationToken).ConfigureAwait(false);
        foreach (var id in outcome.Ingested)
        {
            await AckAsync(byId[id], cancellationToken).ConfigureAwait(false);
        }

        if (_poison is not null)
        {
            foreach (var bad in outcome.Undecodable)
            {
                await _poison.SendAsync(bad.Message.Body, cancellationToken: cancellationToken).ConfigureAwait(false);
                await AckAsync(byId[bad.Message.Id], cancellationToken).ConfigureAwait(false);
            }
        }

        return received.Count;
    }

    /// <summary>Receives and ingests until cancelled, backing off while the queue is empty.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var wait = _options.PollInterval;
        while (!cancellationToken.IsCancellationRequested)
        {
            int received;
            try
            {
                received = await ReceiveOnceAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                // Whatever failed, the loop must outlive it: the batch stays unacknowledged and
                // comes back after the visibility timeout; wait before polling again.
                _log?.Invoke($"ingest from queue '{_queue.QueueName}' failed ({e.GetType().Name}), the batch will be redelivered: {e.Message}");
                received = 0;
            }

            if (received > 0)
            {
                wait = _options.PollInterval;
                continue;
            }

            try
            {
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            wait = TimeSpan.FromTicks(Math.Min(wait.Ticks * 2, _options.MaxPollInterval.Ticks));
        }
    }

    private async Task AckAsync(QueueMessage message, CancellationToken cancellationToken)
    {
        if (!await _queue.AckAsync(message, cancellationToken).ConfigureAwait(false))
        {
            // Its receipt went stale: it was redelivered; the replay stores nothing twice.
            _log?.Invoke($"queue message {message.Id} could not be acknowledged (receipt stale); it will be replayed");
        }
    }
}
