using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Storage.Conformance;

namespace Serverless.Monitoring.Tests.Bus;

/// <summary>
/// Scrape output through a Storage Queue into the storage engine and back out through its
/// querier, on every queue adapter. Each test has its own queue, container and tables.
/// </summary>
public abstract class StorageQueueBusTests
{
    private static readonly long T0 = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds();
    private static readonly string[] Instances = ["a:9100", "b:9100", "c:9100"];

    private readonly string _id = Guid.NewGuid().ToString("N")[..16];

    protected abstract IStorageProvider Provider { get; }

    private string QueueName => "bus-" + _id;

    private StorageEngineOptions EngineOptions => new()
    {
        BlockContainer = "tsdb-" + _id,
        CatalogTable = "cat" + _id,
        LabelIndexTable = "lbl" + _id,
        CacheSizeBytes = 4 << 20,
    };

    [Fact]
    public async Task Published_scrapes_are_ingested_and_read_back()
    {
        var queue = await CreateQueueAsync(QueueName);
        var engine = await StorageEngine.OpenAsync(Provider, EngineOptions);
        var publisher = new SamplePublisher(new StorageQueueSampleTransport(queue));
        var scrapes = Instances
            .Select((instance, i) => BusTestData.Scrape(800, T0, seed: i, instance: instance, samplesPerSeries: 20))
            .ToList();

        var published = 0;
        foreach (var scrape in scrapes)
        {
            var result = await publisher.PublishAsync(scrape[0].Labels.Get("instance"), scrape);
            Assert.Equal(scrape.Length, result.Series);
            Assert.Equal(scrape.Length * 20L, result.Samples);
            published += result.Messages;
        }

        // 800 series with 20 samples each do not fit one 48 KiB message.
        Assert.True(published > scrapes.Count, $"{published} messages");
        var metrics = new MetricRegistry();
        var consumer = new StorageQueueConsumer(queue, new IngestProcessor(engine, metrics), options: new() { BatchSize = 5 });
        var received = await DrainAsync(consumer);

        Assert.Equal(published, received);
        Assert.Empty(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(1)));
        var stored = await ReadAllAsync(engine);
        var expected = scrapes.SelectMany(s => s).ToList();
        Assert.Equal(expected.Count, stored.Count);
        foreach (var series in expected)
        {
            Assert.Equal(series.Samples, stored[series.Labels]);
        }
    }

    [Fact]
    public async Task A_redelivered_batch_is_a_replay_and_stores_nothing_twice()
    {
        var queue = await CreateQueueAsync(QueueName);
        var engine = await StorageEngine.OpenAsync(Provider, EngineOptions);
        var scrape = BusTestData.Scrape(3000, T0, samplesPerSeries: 2);
        await new SamplePublisher(new StorageQueueSampleTransport(queue)).PublishAsync("a:9100", scrape);
        var processor = new IngestProcessor(engine);

        // First delivery: ingested, then the consumer "crashes" before acknowledging.
        var first = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(1));
        Assert.True(first.Count > 1);
        var firstOutcome = await processor.ProcessAsync(first.Select(ToBusMessage).ToList());
        Assert.True(firstOutcome.Stored!.Blocks > 0);

        // After the visibility timeout the same messages come back; the consumer ingests them again.
        IReadOnlyList<QueueMessage> second = [];
        for (var attempt = 0; attempt < 50 && second.Count < first.Count; attempt++)
        {
            await Task.Delay(200);
            second = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        }

        Assert.Equal(first.Select(m => m.Id).Order(), second.Select(m => m.Id).Order());
        var secondOutcome = await processor.ProcessAsync(second.Select(ToBusMessage).ToList());

        Assert.Equal(firstOutcome.BatchId, secondOutcome.BatchId);
        Assert.Equal(0, secondOutcome.Stored!.Blocks);
        Assert.Equal(firstOutcome.Stored.Blocks, secondOutcome.Stored.ReplayedBlocks);
        var stored = await ReadAllAsync(engine);
        Assert.Equal(scrape.Length, stored.Count);
        Assert.All(scrape, s => Assert.Equal(s.Samples, stored[s.Labels]));
    }

    [Fact]
    public async Task An_undecodable_message_goes_to_the_poison_queue_and_the_rest_is_stored()
    {
        var queue = await CreateQueueAsync(QueueName);
        var poison = await CreateQueueAsync(QueueName + "-poison");
        var engine = await StorageEngine.OpenAsync(Provider, EngineOptions);
        var scrape = BusTestData.Scrape(10, T0);
        await queue.SendAsync("not a remote-write message"u8.ToArray());
        await new SamplePublisher(new StorageQueueSampleTransport(queue)).PublishAsync("a:9100", scrape);
        var metrics = new MetricRegistry();
        var logged = new List<string>();
        var consumer = new StorageQueueConsumer(queue, new IngestProcessor(engine, metrics, logged.Add), poison);

        Assert.Equal(2, await DrainAsync(consumer));

        Assert.Empty(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(1)));
        var parked = Assert.Single(await poison.ReceiveAsync(32, TimeSpan.FromSeconds(30)));
        Assert.Equal("not a remote-write message"u8.ToArray(), parked.Body.ToArray());
        Assert.Contains(logged, l => l.Contains("invalid snappy block", StringComparison.Ordinal));
        Assert.Contains("bus_undecodable_messages_total 1", Exposition(metrics), StringComparison.Ordinal);
        Assert.Equal(scrape.Length, (await ReadAllAsync(engine)).Count);
    }

    [Fact]
    public async Task The_consumer_loop_ingests_until_cancelled()
    {
        var queue = await CreateQueueAsync(QueueName);
        var engine = await StorageEngine.OpenAsync(Provider, EngineOptions);
        var consumer = new StorageQueueConsumer(queue, new IngestProcessor(engine),
            options: new() { PollInterval = TimeSpan.FromMilliseconds(50), MaxPollInterval = TimeSpan.FromMilliseconds(200) });
        using var stop = new CancellationTokenSource();
        var loop = consumer.RunAsync(stop.Token);
        var publisher = new SamplePublisher(new StorageQueueSampleTransport(queue));

        // Two publications, the second after the loop has gone idle.
        var first = BusTestData.Scrape(20, T0, seed: 1, instance: "a:1");
        var second = BusTestData.Scrape(20, T0, seed: 2, instance: "b:1");
        await publisher.PublishAsync("a", first);
        await WaitForSeriesAsync(engine, 20);
        await Task.Delay(300);
        await publisher.PublishAsync("b", second);
        await WaitForSeriesAsync(engine, 40);

        await stop.CancelAsync();
        await loop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Empty(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(1)));
    }

    private static async Task WaitForSeriesAsync(StorageEngine engine, int count)
    {
        for (var i = 0; i < 200; i++)
        {
            if ((await ReadAllAsync(engine)).Count >= count)
            {
                return;
            }

            await Task.Delay(50);
        }

        Assert.Fail($"fewer than {count} series stored after 10 s");
    }

    private static BusMessage ToBusMessage(QueueMessage m) => new(BusMessage.StorageQueueId("q", m.Id), m.Body);

    private static async Task<int> DrainAsync(StorageQueueConsumer consumer)
    {
        var total = 0;
        for (var n = await consumer.ReceiveOnceAsync(); n > 0; n = await consumer.ReceiveOnceAsync())
        {
            total += n;
        }

        return total;
    }

    private static async Task<Dictionary<LabelSet, Sample[]>> ReadAllAsync(StorageEngine engine)
    {
        var selection = await engine.SelectAsync([], long.MinValue, long.MaxValue);
        Assert.Empty(selection.Warnings);
        return selection.Series.ToDictionary(s => s.Labels, s => s.ToArray());
    }

    private static string Exposition(MetricRegistry metrics)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        metrics.WriteTo(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private async Task<IMessageQueue> CreateQueueAsync(string name)
    {
        var queue = Provider.GetQueue(name);
        await queue.CreateIfNotExistsAsync();
        return queue;
    }
}

public sealed class LocalDiskStorageQueueBusTests : StorageQueueBusTests, IDisposable
{
    private readonly LocalDiskProviderScope _scope = new();

    protected override IStorageProvider Provider => _scope.Provider;

    public void Dispose() => _scope.Dispose();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteStorageQueueBusTests(AzuriteFixture azurite) : StorageQueueBusTests
{
    protected override IStorageProvider Provider { get; } = AzureStorageProvider.FromConnectionString(azurite.ConnectionString);
}
