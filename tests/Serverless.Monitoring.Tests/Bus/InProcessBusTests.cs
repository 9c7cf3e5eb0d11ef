using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Storage.Conformance;

namespace Serverless.Monitoring.Tests.Bus;

public sealed class InProcessBusTests : IDisposable
{
    private readonly LocalDiskProviderScope _scope = new();

    public void Dispose() => _scope.Dispose();

    [Fact]
    public async Task Published_scrapes_reach_storage_through_the_channel()
    {
        var t0 = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds();
        var engine = await StorageEngine.OpenAsync(_scope.Provider);
        var transport = new InProcessSampleTransport(capacity: 64, maxMessageBytes: 16 * 1024);
        var publisher = new SamplePublisher(transport);
        var processor = new IngestProcessor(engine);
        var scrapes = Enumerable.Range(0, 4).Select(i => BusTestData.Scrape(800, t0, seed: i, instance: $"host{i}:9100")).ToList();

        var consumed = Task.Run(async () =>
        {
            var batches = 0;
            for (var batch = await transport.ReadBatchAsync(8, default); batch.Count > 0; batch = await transport.ReadBatchAsync(8, default))
            {
                Assert.True(batch.Count <= 8);
                Assert.All(batch, m => Assert.True(m.Body.Length <= 16 * 1024));
                Assert.Empty((await processor.ProcessAsync(batch)).Undecodable);
                batches++;
            }

            return batches;
        });
        foreach (var scrape in scrapes)
        {
            await publisher.PublishAsync(scrape[0].Labels.Get("instance"), scrape);
        }

        transport.Complete();
        Assert.True(await consumed > 0);

        var selection = await engine.SelectAsync([], long.MinValue, long.MaxValue);
        var stored = selection.Series.ToDictionary(s => s.Labels, s => s.ToArray());
        Assert.Equal(scrapes.Sum(s => s.Length), stored.Count);
        Assert.All(scrapes.SelectMany(s => s), s => Assert.Equal(s.Samples, stored[s.Labels]));
    }

    [Fact]
    public async Task Senders_wait_while_the_channel_is_full()
    {
        var transport = new InProcessSampleTransport(capacity: 2);
        ReadOnlyMemory<byte> body = new byte[] { 1 };

        await transport.SendAsync("k", [body, body], default);
        var third = transport.SendAsync("k", [body], default);
        await Task.Delay(100);

        Assert.False(third.IsCompleted);
        var read = await transport.ReadBatchAsync(10, default);
        await third.WaitAsync(TimeSpan.FromSeconds(5));
        // Reading frees room, so the waiting message may be read in the same batch.
        Assert.InRange(read.Count, 2, 3);
        Assert.Equal(read.Count, read.Select(m => m.Id).Distinct().Count());
    }

    [Fact]
    public async Task Message_ids_differ_between_transport_instances()
    {
        // A restarted host must never reuse an ID (and so a batch ID) of an earlier run.
        var a = new InProcessSampleTransport();
        var b = new InProcessSampleTransport();
        await a.SendAsync("k", [new byte[] { 1 }], default);
        await b.SendAsync("k", [new byte[] { 1 }], default);

        Assert.NotEqual((await a.ReadBatchAsync(1, default))[0].Id, (await b.ReadBatchAsync(1, default))[0].Id);
    }
}
