using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Consumer;
using Azure.Messaging.EventHubs.Primitives;
using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Functions.Adapters.Bus;

namespace Serverless.Monitoring.Tests.Adapters.Bus;

/// <summary>
/// The SDK adapter's own logic over mocked clients (no Event Hubs service or emulator here): the
/// position each read starts at, the mapping of events and properties, and that receivers are closed.
/// </summary>
public sealed class EventHubsPartitionSourceTests
{
    private static readonly DateTimeOffset Enqueued = new(2024, 3, 20, 12, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_read_without_a_checkpoint_starts_at_the_earliest_event()
    {
        var (source, opened) = Source(_ => [Event(0, "a"), Event(1, "b")]);

        var events = await source.ReadAsync("2", null, 50, TimeSpan.FromSeconds(3), default);

        var receiver = Assert.Single(opened);
        Assert.Equal(("2", EventPosition.Earliest, 50), (receiver.PartitionId, receiver.Position, receiver.PrefetchCount));
        Assert.Equal((50, TimeSpan.FromSeconds(3)), receiver.Received);
        Assert.True(receiver.Disposed);
        Assert.Equal([(0L, "a"), (1L, "b")], events.Select(e => (e.SequenceNumber, System.Text.Encoding.UTF8.GetString(e.Body.Span))));
        Assert.All(events, e => Assert.Equal(("2", Enqueued), (e.PartitionId, e.EnqueuedTime)));
    }

    [Fact]
    public async Task A_read_after_a_checkpoint_starts_right_after_it()
    {
        var (source, opened) = Source(_ => []);

        var events = await source.ReadAsync("0", 41, 10, TimeSpan.FromSeconds(1), default);

        Assert.Empty(events);
        Assert.Equal(EventPosition.FromSequenceNumber(41, isInclusive: false), Assert.Single(opened).Position);
        Assert.NotEqual(EventPosition.FromSequenceNumber(41, isInclusive: true), opened[0].Position);
    }

    [Fact]
    public async Task A_failed_receive_closes_the_receiver_and_propagates()
    {
        var failure = new EventHubsException(isTransient: true, "samples", "unreachable", EventHubsException.FailureReason.ServiceCommunicationProblem);
        var (source, opened) = Source(_ => throw failure);

        var error = await Assert.ThrowsAsync<EventHubsException>(() => source.ReadAsync("0", 5, 10, TimeSpan.FromSeconds(1), default));

        Assert.Same(failure, error);
        Assert.True(Assert.Single(opened).Disposed);
    }

    [Fact]
    public async Task Partition_ids_and_properties_come_from_the_consumer_client()
    {
        var (source, _) = Source(_ => []);

        Assert.Equal(["0", "1", "2", "3"], await source.GetPartitionIdsAsync(default));
        Assert.Equal(new EventPartitionState(17, 99, false), await source.GetPartitionStateAsync("1", default));
        Assert.Equal(new EventPartitionState(0, -1, true), await source.GetPartitionStateAsync("3", default));
    }

    private static (EventHubsPartitionSource Source, List<FakeReceiver> Opened) Source(Func<FakeReceiver, IEnumerable<EventData>> receive)
    {
        var opened = new List<FakeReceiver>();
        var source = new EventHubsPartitionSource("ns.servicebus.windows.net", "samples", "$Default", new FakeConsumer(), (partition, position, prefetch) =>
        {
            var receiver = new FakeReceiver(partition, position, prefetch, receive);
            opened.Add(receiver);
            return receiver;
        });
        return (source, opened);
    }

    private static EventData Event(long sequenceNumber, string body) =>
        EventHubsModelFactory.EventData(new BinaryData(body), null, null, null, sequenceNumber, (sequenceNumber * 100).ToString(System.Globalization.CultureInfo.InvariantCulture), Enqueued);

    private sealed class FakeReceiver(string partitionId, EventPosition position, int prefetchCount, Func<FakeReceiver, IEnumerable<EventData>> receive) : PartitionReceiver
    {
        public new string PartitionId { get; } = partitionId;

        public EventPosition Position { get; } = position;

        public int PrefetchCount { get; } = prefetchCount;

        public (int Max, TimeSpan Wait)? Received { get; private set; }

        /// <summary>Closed, which disposing does.</summary>
        public bool Disposed { get; private set; }

        public override Task<IEnumerable<EventData>> ReceiveBatchAsync(int maximumEventCount, TimeSpan maximumWaitTime, CancellationToken cancellationToken = default)
        {
            Received = (maximumEventCount, maximumWaitTime);
            return Task.FromResult(receive(this));
        }

        public override Task CloseAsync(CancellationToken cancellationToken = default)
        {
            Disposed = true;
            return Task.CompletedTask;
        }
    }

    private sealed class FakeConsumer : EventHubConsumerClient
    {
        public override Task<string[]> GetPartitionIdsAsync(CancellationToken cancellationToken = default) => Task.FromResult<string[]>(["0", "1", "2", "3"]);

        public override Task<PartitionProperties> GetPartitionPropertiesAsync(string partitionId, CancellationToken cancellationToken = default) =>
            Task.FromResult(partitionId == "3"
                ? EventHubsModelFactory.PartitionProperties("samples", "3", true, 0, -1, "-1", DateTimeOffset.MinValue)
                : EventHubsModelFactory.PartitionProperties("samples", partitionId, false, 17, 99, "9900", Enqueued));
    }
}
