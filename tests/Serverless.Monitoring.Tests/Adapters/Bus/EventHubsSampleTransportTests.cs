using Azure.Messaging.EventHubs;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Tests.Bus;

namespace Serverless.Monitoring.Tests.Adapters.Bus;

/// <summary>The producer over a mocked <see cref="Azure.Messaging.EventHubs.Producer.EventHubProducerClient"/>: partition keys, batching, limits, errors.</summary>
public sealed class EventHubsSampleTransportTests
{
    private const string Namespace = "ns.servicebus.windows.net";

    [Fact]
    public async Task A_publication_is_one_batch_under_the_targets_partition_key()
    {
        var producer = new RecordingProducer();
        var scrape = BusTestData.Scrape(200);

        var result = await new SamplePublisher(new EventHubsSampleTransport(producer, "samples", Namespace)).PublishAsync("node/localhost:9100", scrape);

        var (key, bodies) = Assert.Single(producer.Sent);
        Assert.Equal("node/localhost:9100", key);
        Assert.Equal(1, result.Messages);
        Assert.Null(BusTestData.Difference(scrape, RemoteWriteCodec.Decode(Assert.Single(bodies)).Series));
    }

    [Fact]
    public async Task Messages_that_overflow_a_batch_go_in_the_next_in_order_under_the_same_key()
    {
        var producer = new RecordingProducer { BatchSizeBytes = 3000 };
        var transport = new EventHubsSampleTransport(producer, "samples", Namespace, maxMessageBytes: 2048);
        var messages = Enumerable.Range(0, 7).Select(i => (ReadOnlyMemory<byte>)Enumerable.Repeat((byte)i, 1000).ToArray()).ToArray();

        await transport.SendAsync("target-a", messages, default);

        Assert.Equal([3, 3, 1], producer.Sent.Select(s => s.Bodies.Count));
        Assert.All(producer.Sent, s => Assert.Equal("target-a", s.PartitionKey));
        Assert.Equal(messages.Select(m => m.ToArray()), producer.Sent.SelectMany(s => s.Bodies));
    }

    [Fact]
    public async Task A_large_scrape_is_cut_into_messages_that_all_arrive()
    {
        var producer = new RecordingProducer { BatchSizeBytes = 1024 * 1024 };
        var publisher = new SamplePublisher(new EventHubsSampleTransport(producer, "samples", Namespace));
        var scrape = BusTestData.Scrape(30_000, samplesPerSeries: 4);

        var result = await publisher.PublishAsync("big-target", scrape);

        Assert.True(result.Messages > 4, $"{result.Messages} messages");
        Assert.True(producer.Sent.Count > 1, $"{producer.Sent.Count} batches");
        Assert.All(producer.Sent, s => Assert.Equal("big-target", s.PartitionKey));
        Assert.All(producer.Sent.SelectMany(s => s.Bodies), b => Assert.True(b.Length <= EventHubsSampleTransport.DefaultMaxMessageBytes));
        var received = producer.Sent.SelectMany(s => s.Bodies).SelectMany(b => RemoteWriteCodec.Decode(b).Series);
        Assert.Null(BusTestData.Difference(scrape, BusTestData.MergeAdjacent(received)));
    }

    [Fact]
    public async Task A_message_that_does_not_fit_an_empty_batch_is_an_error()
    {
        var producer = new RecordingProducer { BatchSizeBytes = 500 };
        var transport = new EventHubsSampleTransport(producer, "samples", Namespace, maxMessageBytes: 4096);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            transport.SendAsync("t", [new byte[100], new byte[600], new byte[10]], default));

        Assert.Equal("A message of 600 bytes does not fit an empty batch of event hub 'samples' (at most 500 bytes per publication on this hub's tier).", error.Message);
        Assert.Equal([100], producer.Sent.SelectMany(s => s.Bodies).Select(b => b.Length));
    }

    [Fact]
    public async Task A_message_over_the_transport_limit_is_refused_before_anything_is_sent()
    {
        var producer = new RecordingProducer();
        var transport = new EventHubsSampleTransport(producer, "samples", Namespace, maxMessageBytes: 2048);

        await Assert.ThrowsAsync<ArgumentException>(() => transport.SendAsync("t", [new byte[10], new byte[2049]], default));

        Assert.Equal(0, producer.BatchesCreated);
        Assert.Empty(producer.Sent);
    }

    [Fact]
    public async Task Nothing_is_sent_for_no_messages()
    {
        var producer = new RecordingProducer();

        await new EventHubsSampleTransport(producer, "samples", Namespace).SendAsync("t", [], default);

        Assert.Equal(0, producer.BatchesCreated);
        Assert.Empty(producer.Sent);
    }

    [Fact]
    public async Task A_failed_send_propagates()
    {
        var failure = new EventHubsException(isTransient: true, "samples", "The service was unreachable.", EventHubsException.FailureReason.ServiceCommunicationProblem);
        var producer = new RecordingProducer { Failure = failure };

        var error = await Assert.ThrowsAsync<EventHubsException>(() => new EventHubsSampleTransport(producer, "samples", Namespace).SendAsync("t", [new byte[10]], default));

        Assert.Same(failure, error);
    }

    [Fact]
    public async Task A_network_error_is_reported_naming_hub_and_namespace()
    {
        var producer = new RecordingProducer { Failure = new System.Net.Sockets.SocketException((int)System.Net.Sockets.SocketError.ConnectionRefused) };

        var error = await Assert.ThrowsAsync<EventHubsException>(() => new EventHubsSampleTransport(producer, "samples", Namespace).SendAsync("t", [new byte[10]], default));

        Assert.IsType<System.Net.Sockets.SocketException>(error.InnerException);
        Assert.Equal((true, EventHubsException.FailureReason.ServiceCommunicationProblem, "samples"), (error.IsTransient, error.Reason, error.EventHubName));
        Assert.StartsWith("Sending to event hub 'samples' in namespace 'ns.servicebus.windows.net' failed after the client's retries: Connection refused", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Long_partition_keys_are_hashed_and_short_ones_kept()
    {
        var longKey = "job/" + new string('x', 200);

        var hashed = EventHubsSampleTransport.PartitionKeyFor(longKey);

        Assert.Matches("^[0-9a-f]{64}$", hashed);
        Assert.Equal(hashed, EventHubsSampleTransport.PartitionKeyFor(longKey));
        Assert.NotEqual(hashed, EventHubsSampleTransport.PartitionKeyFor(longKey + "y"));
        var exact = new string('k', EventHubsSampleTransport.MaxPartitionKeyLength);
        Assert.Equal(exact, EventHubsSampleTransport.PartitionKeyFor(exact));
    }
}
