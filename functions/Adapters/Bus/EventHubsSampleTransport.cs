using System.Security.Cryptography;
using System.Text;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;
using Serverless.Monitoring.Core.Bus;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>
/// The sample bus over Event Hubs with <see cref="EventHubProducerClient"/>: the messages of one
/// publication go in <see cref="EventDataBatch"/>es created with the publication's partition key (the
/// scrape target), so one target's samples land on one partition, and are sent one batch after the
/// other, in order. <see cref="SendAsync"/> returns when the hub has accepted every batch (the client
/// retries transient failures itself), so remote write answers 2xx only after the send.
/// </summary>
internal sealed class EventHubsSampleTransport : ISampleTransport, IAsyncDisposable
{
    /// <summary>
    /// 240 KiB: fits one event on every tier (Basic allows 256 KB per publication, Standard and up 1 MB);
    /// a batch packs several, and a reader holds at most this times its batch size.
    /// </summary>
    public const int DefaultMaxMessageBytes = 240 * 1024;

    /// <summary>Event Hubs' longest partition key; longer keys are replaced by a hash of them.</summary>
    public const int MaxPartitionKeyLength = 128;

    private readonly EventHubProducerClient _producer;

    /// <param name="producer">The client (owned: disposed with this transport).</param>
    /// <param name="eventHubName">The hub, for error messages.</param>
    /// <param name="fullyQualifiedNamespace">The namespace, for error messages.</param>
    /// <param name="maxMessageBytes">The largest message the publisher cuts.</param>
    public EventHubsSampleTransport(EventHubProducerClient producer, string eventHubName, string fullyQualifiedNamespace, int maxMessageBytes = DefaultMaxMessageBytes)
    {
        ArgumentNullException.ThrowIfNull(producer);
        ArgumentException.ThrowIfNullOrEmpty(eventHubName);
        ArgumentException.ThrowIfNullOrEmpty(fullyQualifiedNamespace);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxMessageBytes, 1024);
        _producer = producer;
        EventHubName = eventHubName;
        FullyQualifiedNamespace = fullyQualifiedNamespace;
        MaxMessageBytes = maxMessageBytes;
    }

    public string EventHubName { get; }

    public string FullyQualifiedNamespace { get; }

    public int MaxMessageBytes { get; }

    /// <summary>A transport for the configured hub.</summary>
    /// <param name="settings">The connection and hub.</param>
    /// <param name="retry">The client's retries; <see cref="EventHubsSettings.RetryOptions"/> when null.</param>
    /// <exception cref="InvalidOperationException">The settings have problems (named in the message).</exception>
    public static EventHubsSampleTransport Create(EventHubsSettings settings, EventHubsRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        var producer = settings.CreateProducer(retry);
        return new EventHubsSampleTransport(producer, producer.EventHubName, producer.FullyQualifiedNamespace);
    }

    /// <exception cref="ArgumentException">A message is larger than <see cref="MaxMessageBytes"/> (nothing was sent).</exception>
    /// <exception cref="InvalidOperationException">A message does not fit an empty batch (the hub's tier allows less).</exception>
    /// <exception cref="EventHubsException">The hub refused the send or could not be reached after the client's retries (the message names hub and namespace).</exception>
    public async Task SendAsync(string partitionKey, IReadOnlyList<ReadOnlyMemory<byte>> messages, CancellationToken cancellationToken)
    {
        try
        {
            await SendBatchesAsync(partitionKey, messages, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not (EventHubsException or ArgumentException or InvalidOperationException)
            && !(e is OperationCanceledException && cancellationToken.IsCancellationRequested))
        {
            // An EventHubsException names the hub itself; a network error (a refused connection) says nothing of where.
            throw new EventHubsException(
                isTransient: true,
                EventHubName,
                $"Sending to event hub '{EventHubName}' in namespace '{FullyQualifiedNamespace}' failed after the client's retries: {e.Message}",
                EventHubsException.FailureReason.ServiceCommunicationProblem,
                e);
        }
    }

    private async Task SendBatchesAsync(string partitionKey, IReadOnlyList<ReadOnlyMemory<byte>> messages, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(messages);
        foreach (var message in messages)
        {
            if (message.Length > MaxMessageBytes)
            {
                throw new ArgumentException($"a message of {message.Length} bytes exceeds the {MaxMessageBytes}-byte limit", nameof(messages));
            }
        }

        var options = new CreateBatchOptions { PartitionKey = PartitionKeyFor(partitionKey) };
        EventDataBatch? batch = null;
        try
        {
            foreach (var message in messages)
            {
                var data = new EventData(message);
                batch ??= await _producer.CreateBatchAsync(options, cancellationToken).ConfigureAwait(false);
                if (batch.TryAdd(data))
                {
                    continue;
                }

                if (batch.Count > 0)
                {
                    // Full: send it and start the next (one at a time, so the partition keeps the order).
                    await _producer.SendAsync(batch, cancellationToken).ConfigureAwait(false);
                    batch.Dispose();
                    batch = null;
                    batch = await _producer.CreateBatchAsync(options, cancellationToken).ConfigureAwait(false);
                    if (batch.TryAdd(data))
                    {
                        continue;
                    }
                }

                throw new InvalidOperationException(
                    $"A message of {message.Length} bytes does not fit an empty batch of event hub '{EventHubName}' "
                    + $"(at most {batch.MaximumSizeInBytes} bytes per publication on this hub's tier).");
            }

            if (batch is { Count: > 0 })
            {
                await _producer.SendAsync(batch, cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            batch?.Dispose();
        }
    }

    public ValueTask DisposeAsync() => _producer.DisposeAsync();

    /// <summary>The key as given, or a hash of it (hex SHA-256) when too long: affinity is all that matters.</summary>
    internal static string PartitionKeyFor(string partitionKey) =>
        partitionKey.Length <= MaxPartitionKeyLength
            ? partitionKey
            : Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(partitionKey)));
}
