using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.LocalDisk;

public sealed class LocalDiskMessageQueueTests : IDisposable
{
    private readonly TempDirectory _root = new("sm-localdisk-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task MessagesComeBackAfterTheVisibilityTimeoutAndGoToPoisonAfterTheLimit()
    {
        var clock = new ManualTimeProvider(new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var provider = new LocalDiskStorageProvider(_root.Path, clock);
        var queue = provider.GetQueue("spill", new QueueOptions { MaxDeliveryCount = 2 });
        await queue.CreateIfNotExistsAsync();
        await queue.SendAsync(new byte[] { 1 });
        await queue.SendAsync(new byte[] { 2 });

        var first = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        Assert.Equal([1, 2], first.Select(m => m.Body.Span[0]));
        Assert.All(first, m => Assert.Equal(1, m.DequeueCount));
        Assert.Empty(await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30)));

        clock.Advance(TimeSpan.FromSeconds(31));
        var second = await queue.ReceiveAsync(32, TimeSpan.FromSeconds(30));
        Assert.Equal([2, 2], second.Select(m => m.DequeueCount));
        Assert.False(await queue.AckAsync(first[0])); // stale receipt
        Assert.True(await queue.AckAsync(second[0]));

        // A restarted process sees the same state; the second message has had its two deliveries.
        clock.Advance(TimeSpan.FromSeconds(31));
        var restarted = new LocalDiskStorageProvider(_root.Path, clock);
        Assert.Empty(await restarted.GetQueue("spill", new QueueOptions { MaxDeliveryCount = 2 }).ReceiveAsync(32, TimeSpan.FromSeconds(30)));
        var poisoned = await restarted.GetQueue("spill-poison").ReceiveAsync(32, TimeSpan.FromSeconds(30));
        Assert.Equal([2], poisoned.Select(m => m.Body.Span[0]));
        Assert.Equal(1, poisoned[0].DequeueCount);
    }

    [Fact]
    public async Task OversizedMessagesAreRejected()
    {
        var queue = new LocalDiskStorageProvider(_root.Path).GetQueue("big");
        await queue.CreateIfNotExistsAsync();
        Assert.Equal(49152, queue.MaxMessageBytes);
        await queue.SendAsync(new byte[queue.MaxMessageBytes]);
        await Assert.ThrowsAsync<StorageRequestException>(() => queue.SendAsync(new byte[queue.MaxMessageBytes + 1]));
    }
}
