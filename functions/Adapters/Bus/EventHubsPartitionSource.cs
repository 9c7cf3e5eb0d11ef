using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Serverless.Monitoring.Core.Bus.EventHubs;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>
/// <see cref="IEventPartitionSource"/> over the SDK, kept thin (no service to test it against here):
/// partition IDs and properties from an <see cref="EventHubConsumerClient"/>, events from a
/// <see cref="PartitionReceiver"/> opened for each read at the position asked for and closed after it.
/// A receiver per read costs a link attach per batch, but leaves no idle reader holding one of the five
/// a partition allows per consumer group when the next run of that partition goes to another instance.
/// The clients retry transient failures (<see cref="EventHubsSettings.RetryOptions"/>) before they throw.
/// </summary>
internal sealed class EventHubsPartitionSource : IEventPartitionSource, IAsyncDisposable
{
    /// <summary>Opens a receiver for (partition, position, prefetch count).</summary>
    internal delegate PartitionReceiver ReceiverFactory(string partitionId, EventPosition position, int prefetchCount);

    private readonly EventHubConsumerClient _metadata;
    private readonly ReceiverFactory _openReceiver;
    private readonly EventHubConnection? _connection;

    internal EventHubsPartitionSource(
        string fullyQualifiedNamespace, string eventHubName, string consumerGroup, EventHubConsumerClient metadata, ReceiverFactory openReceiver, EventHubConnection? ownedConnection = null)
    {
        FullyQualifiedNamespace = fullyQualifiedNamespace;
        EventHubName = eventHubName;
        ConsumerGroup = consumerGroup;
        _metadata = metadata;
        _openReceiver = openReceiver;
        _connection = ownedConnection;
    }

    public string FullyQualifiedNamespace { get; }

    public string EventHubName { get; }

    public string ConsumerGroup { get; }

    /// <summary>A source for the configured hub and consumer group, all clients on one connection.</summary>
    /// <param name="settings">The connection, hub and consumer group.</param>
    /// <param name="retry">The clients' retries; <see cref="EventHubsSettings.RetryOptions"/> when null.</param>
    /// <exception cref="InvalidOperationException">The settings have problems (named in the message).</exception>
    public static EventHubsPartitionSource Create(EventHubsSettings settings, EventHubsRetryOptions? retry = null)
    {
        ArgumentNullException.ThrowIfNull(settings);
        retry ??= EventHubsSettings.RetryOptions();
        var connection = settings.CreateConnection();
        var consumerGroup = settings.ConsumerGroup;
        var metadata = new EventHubConsumerClient(consumerGroup, connection, new EventHubConsumerClientOptions { RetryOptions = retry });
        return new EventHubsPartitionSource(
            connection.FullyQualifiedNamespace,
            connection.EventHubName,
            consumerGroup,
            metadata,
            (partitionId, position, prefetchCount) => new PartitionReceiver(consumerGroup, partitionId, position, connection, new PartitionReceiverOptions
            {
                RetryOptions = retry,
                PrefetchCount = prefetchCount,
            }),
            connection);
    }

    public async Task<IReadOnlyList<string>> GetPartitionIdsAsync(CancellationToken cancellationToken) =>
        await _metadata.GetPartitionIdsAsync(cancellationToken).ConfigureAwait(false);

    public async Task<EventPartitionState> GetPartitionStateAsync(string partitionId, CancellationToken cancellationToken)
    {
        var properties = await _metadata.GetPartitionPropertiesAsync(partitionId, cancellationToken).ConfigureAwait(false);
        return new EventPartitionState(properties.BeginningSequenceNumber, properties.LastEnqueuedSequenceNumber, properties.IsEmpty);
    }

    public async Task<IReadOnlyList<ReceivedEvent>> ReadAsync(string partitionId, long? afterSequenceNumber, int maxEvents, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        var position = afterSequenceNumber is long after ? EventPosition.FromSequenceNumber(after, isInclusive: false) : EventPosition.Earliest;

        // Prefetch no more than this read takes: the receiver is closed after it.
        var receiver = _openReceiver(partitionId, position, maxEvents);
        await using (receiver.ConfigureAwait(false))
        {
            var batch = await receiver.ReceiveBatchAsync(maxEvents, maxWait, cancellationToken).ConfigureAwait(false);
            var events = new List<ReceivedEvent>(maxEvents);
            foreach (var e in batch)
            {
                events.Add(new ReceivedEvent(partitionId, e.SequenceNumber, e.EventBody.ToMemory(), e.EnqueuedTime));
            }

            return events;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _metadata.DisposeAsync().ConfigureAwait(false);
        if (_connection is not null)
        {
            await _connection.DisposeAsync().ConfigureAwait(false);
        }
    }
}
