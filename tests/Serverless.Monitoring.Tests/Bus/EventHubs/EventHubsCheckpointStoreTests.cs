using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Storage.Conformance;

namespace Serverless.Monitoring.Tests.Bus.EventHubs;

/// <summary>The checkpoint entity's ETag discipline, on each table adapter.</summary>
public abstract class EventHubsCheckpointStoreTests
{
    private readonly string _table = "ehcp" + Guid.NewGuid().ToString("N")[..16];

    protected abstract IStorageProvider Provider { get; }

    [Fact]
    public async Task A_checkpoint_is_inserted_once_then_replaced_only_under_the_etag_it_was_read_with()
    {
        var store = new EventHubsCheckpointStore(Provider.GetTableStore(_table), "samples", "$Default");
        var absent = await store.ReadAsync("3", default);
        Assert.Equal(new PartitionCheckpoint("3", null, null, null, null), absent);

        var enqueued = new DateTimeOffset(2024, 3, 20, 12, 0, 0, TimeSpan.Zero);
        var first = await store.TryReplaceAsync(absent, absent with { SequenceNumber = 5, EnqueuedTime = enqueued }, default);
        Assert.NotNull(first?.ETag);

        // A second instance that also saw no entity loses the insert.
        Assert.Null(await store.TryReplaceAsync(absent, absent with { SequenceNumber = 6 }, default));

        var claimed = await store.TryReplaceAsync(first!, first! with { PendingThrough = 9 }, default);
        Assert.NotNull(claimed);
        Assert.NotEqual(first!.ETag, claimed!.ETag);

        // The first version's ETag is stale now.
        Assert.Null(await store.TryReplaceAsync(first, first with { SequenceNumber = 8 }, default));

        var read = await store.ReadAsync("3", default);
        Assert.Equal(claimed, read);
        Assert.Equal((5L, 9L, (DateTimeOffset?)enqueued), (read.SequenceNumber, read.PendingThrough, read.EnqueuedTime));

        var advanced = await store.TryReplaceAsync(read, read with { SequenceNumber = 9, PendingThrough = null }, default);
        Assert.Equal((9L, (long?)null), ((await store.ReadAsync("3", default)).SequenceNumber, (await store.ReadAsync("3", default)).PendingThrough));
        Assert.NotNull(advanced);

        // Deleted meanwhile (e.g. by an operator resetting the consumer): reported as a lost race too.
        await Provider.GetTableStore(_table).DeleteAsync(store.PartitionKey, "3");
        Assert.Null(await store.TryReplaceAsync(advanced!, advanced! with { SequenceNumber = 10 }, default));
    }

    [Fact]
    public async Task Consumer_groups_and_hubs_have_their_own_checkpoints()
    {
        var table = Provider.GetTableStore(_table);
        var a = new EventHubsCheckpointStore(table, "samples", "$Default");
        var b = new EventHubsCheckpointStore(table, "samples", "replica");
        var c = new EventHubsCheckpointStore(table, "other", "$Default");
        var absent = await a.ReadAsync("0", default);
        await a.TryReplaceAsync(absent, absent with { SequenceNumber = 7 }, default);

        Assert.Equal(7, (await a.ReadAsync("0", default)).SequenceNumber);
        Assert.Null((await b.ReadAsync("0", default)).SequenceNumber);
        Assert.Null((await c.ReadAsync("0", default)).SequenceNumber);
    }

    [Theory]
    [InlineData("a/b", "$Default", "0")]
    [InlineData("samples", "x:y", "0")]
    [InlineData("samples", "$Default", "0#1")]
    public async Task Names_that_cannot_be_table_keys_are_refused(string hub, string consumerGroup, string partition)
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(async () =>
            await new EventHubsCheckpointStore(Provider.GetTableStore(_table), hub, consumerGroup).ReadAsync(partition, default));
    }
}

public sealed class LocalDiskEventHubsCheckpointStoreTests : EventHubsCheckpointStoreTests, IDisposable
{
    private readonly LocalDiskProviderScope _scope = new();

    protected override IStorageProvider Provider => _scope.Provider;

    public void Dispose() => _scope.Dispose();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteEventHubsCheckpointStoreTests(AzuriteFixture azurite) : EventHubsCheckpointStoreTests
{
    protected override IStorageProvider Provider { get; } = AzureStorageProvider.FromConnectionString(azurite.ConnectionString);
}
