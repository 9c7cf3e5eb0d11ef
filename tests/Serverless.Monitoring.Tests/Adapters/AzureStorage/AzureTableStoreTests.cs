using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;

using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureTableStoreTests(AzuriteFixture azurite)
{
    private async Task<ITableStore> NewTableAsync()
    {
        var store = AzuriteTestEnvironment.CreateProvider(azurite).GetTableStore(AzuriteTestEnvironment.UniqueTableName("t"));
        await store.CreateIfNotExistsAsync();
        await store.CreateIfNotExistsAsync(); // Idempotent: 409 TableAlreadyExists is fine.
        return store;
    }

    private static TableEntity Entity(string pk, string rk, int value = 0) => new(pk, rk) { ["Value"] = value };

    [Fact]
    public async Task Typed_properties_round_trip()
    {
        var store = await NewTableAsync();
        var when = new DateTimeOffset(2024, 2, 29, 23, 59, 58, TimeSpan.Zero).AddTicks(1234567);
        var id = Guid.NewGuid();
        var entity = new TableEntity("pk", "rk")
        {
            ["S"] = "text with 'quotes' and ünïcödé",
            ["Empty"] = string.Empty,
            ["B"] = true,
            ["I"] = -42,
            ["L"] = long.MaxValue,
            ["SmallL"] = 5L,
            ["D"] = 1.5,
            ["WholeD"] = 2.0,
            ["NaN"] = double.NaN,
            ["PosInf"] = double.PositiveInfinity,
            ["NegInf"] = double.NegativeInfinity,
            ["Tiny"] = double.Epsilon,
            ["Bin"] = new byte[] { 0, 1, 2, 255 },
            ["EmptyBin"] = Array.Empty<byte>(),
            ["T"] = when,
            ["G"] = id,
        };
        var etag = await store.InsertAsync(entity);
        Assert.False(string.IsNullOrEmpty(etag));

        var got = await store.GetAsync("pk", "rk");
        Assert.NotNull(got);
        Assert.Equal(etag, got.ETag);
        Assert.NotNull(got.Timestamp);
        Assert.Equal("text with 'quotes' and ünïcödé", got["S"]);
        Assert.Equal(string.Empty, got["Empty"]);
        Assert.Equal(true, got["B"]);
        Assert.Equal(-42, got["I"]);
        Assert.Equal(long.MaxValue, got["L"]);
        Assert.Equal(5L, got["SmallL"]);
        Assert.Equal(1.5, got["D"]);
        Assert.Equal(2.0, got["WholeD"]);
        Assert.IsType<double>(got["WholeD"]);
        Assert.Equal(double.NaN, got["NaN"]);
        Assert.Equal(double.PositiveInfinity, got["PosInf"]);
        Assert.Equal(double.NegativeInfinity, got["NegInf"]);
        Assert.Equal(double.Epsilon, got["Tiny"]);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, got["Bin"]);
        Assert.Equal(Array.Empty<byte>(), got["EmptyBin"]);
        Assert.Equal(when, got["T"]);
        Assert.Equal(id, got["G"]);
        Assert.Equal(entity.Properties.Count, got.Properties.Count);

        var queried = Assert.Single((await store.QueryAsync("pk")).Items);
        Assert.Equal(etag, queried.ETag);
        Assert.Equal(long.MaxValue, queried["L"]);
        Assert.Equal(2.0, Assert.IsType<double>(queried["WholeD"]));
    }

    [Fact]
    public async Task Insert_upsert_update_delete_with_etags()
    {
        var store = await NewTableAsync();
        var e1 = await store.InsertAsync(Entity("p", "r", 1));
        await Assert.ThrowsAsync<StorageConflictException>(() => store.InsertAsync(Entity("p", "r", 2)));

        var e2 = await store.UpdateAsync(Entity("p", "r", 2), e1);
        Assert.NotEqual(e1, e2);
        await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => store.UpdateAsync(Entity("p", "r", 3), e1));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.UpdateAsync(Entity("p", "missing", 3), "*"));

        var e3 = await store.UpsertAsync(Entity("p", "r", 4));
        var e4 = await store.UpsertAsync(Entity("p", "new", 5));
        Assert.Equal(4, (await store.GetAsync("p", "r"))!["Value"]);
        Assert.Equal(e4, (await store.GetAsync("p", "new"))!.ETag);

        await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => store.DeleteAsync("p", "r", e2));
        Assert.True(await store.DeleteAsync("p", "r", e3));
        Assert.False(await store.DeleteAsync("p", "r"));
        Assert.Null(await store.GetAsync("p", "r"));
        var replaced = await store.UpdateAsync(Entity("p", "new", 6), "*");
        Assert.Equal(replaced, (await store.GetAsync("p", "new"))!.ETag);
    }

    [Theory]
    [InlineData("it's", "o'clock ''double''")]
    [InlineData("with space", "and  more spaces ")]
    [InlineData("ünïcödé", "日本語🙂")]
    [InlineData("pct%25 plus+ amp& eq= semi; comma,", "paren() star* at@ dollar$")]
    public async Task Keys_with_quotes_spaces_and_non_ascii_work(string pk, string rk)
    {
        var store = await NewTableAsync();
        var etag = await store.InsertAsync(Entity(pk, rk, 1));
        var got = await store.GetAsync(pk, rk);
        Assert.NotNull(got);
        Assert.Equal(pk, got.PartitionKey);
        Assert.Equal(rk, got.RowKey);
        etag = await store.UpdateAsync(Entity(pk, rk, 2), etag);
        var listed = Assert.Single((await store.QueryAsync(pk, rk, rk + "\uffff")).Items);
        Assert.Equal(rk, listed.RowKey);
        Assert.Single(await store.SubmitBatchAsync([TableOperation.Update(Entity(pk, rk, 3), etag)]));
        Assert.True(await store.DeleteAsync(pk, rk));
    }

    [Theory]
    [InlineData("a/b")]
    [InlineData("a\\b")]
    [InlineData("a#b")]
    [InlineData("a?b")]
    [InlineData("a\tb")]
    public async Task Keys_azure_forbids_are_request_errors(string key)
    {
        var store = AzureStorageProvider.FromConnectionString("UseDevelopmentStorage=true").GetTableStore("nevercreated"); // Refused before any request.
        await Assert.ThrowsAsync<StorageRequestException>(() => store.InsertAsync(Entity(key, "r")));
        await Assert.ThrowsAsync<StorageRequestException>(() => store.GetAsync("p", key));
        await Assert.ThrowsAsync<StorageRequestException>(() => store.SubmitBatchAsync([TableOperation.Upsert(Entity("p", key))]));
    }

    [Fact]
    public async Task Batch_applies_all_operations_and_returns_etags()
    {
        var store = await NewTableAsync();
        var e = await store.InsertAsync(Entity("b", "update", 1));
        await store.InsertAsync(Entity("b", "delete", 1));
        var etags = await store.SubmitBatchAsync(
        [
            TableOperation.Insert(Entity("b", "insert", 1)),
            TableOperation.Upsert(Entity("b", "upsert", 2)),
            TableOperation.Update(Entity("b", "update", 3), e),
            TableOperation.Delete("b", "delete"),
        ]);
        Assert.Equal(4, etags.Count);
        Assert.Equal((await store.GetAsync("b", "insert"))!.ETag, etags[0]);
        Assert.Equal((await store.GetAsync("b", "upsert"))!.ETag, etags[1]);
        Assert.Equal((await store.GetAsync("b", "update"))!.ETag, etags[2]);
        Assert.Null(etags[3]);
        Assert.Null(await store.GetAsync("b", "delete"));
    }

    [Fact]
    public async Task Batch_with_one_failing_operation_applies_nothing_and_names_the_index()
    {
        var store = await NewTableAsync();
        var existing = await store.InsertAsync(Entity("f", "exists", 1));

        var conflict = await Assert.ThrowsAsync<TableBatchFailedException>(() => store.SubmitBatchAsync(
        [
            TableOperation.Insert(Entity("f", "a", 1)),
            TableOperation.Upsert(Entity("f", "b", 1)),
            TableOperation.Insert(Entity("f", "exists", 2)),
            TableOperation.Insert(Entity("f", "c", 1)),
        ]));
        Assert.Equal(2, conflict.FailedIndex);
        Assert.IsType<StorageConflictException>(conflict.InnerException);

        var stale = await store.UpdateAsync(Entity("f", "exists", 3), existing);
        var precondition = await Assert.ThrowsAsync<TableBatchFailedException>(() => store.SubmitBatchAsync(
        [
            TableOperation.Insert(Entity("f", "a", 1)),
            TableOperation.Update(Entity("f", "exists", 4), existing),
        ]));
        Assert.Equal(1, precondition.FailedIndex);
        Assert.IsType<StoragePreconditionFailedException>(precondition.InnerException);

        var missing = await Assert.ThrowsAsync<TableBatchFailedException>(() => store.SubmitBatchAsync(
        [
            TableOperation.Update(Entity("f", "nope", 4)),
            TableOperation.Insert(Entity("f", "a", 1)),
        ]));
        Assert.Equal(0, missing.FailedIndex);
        Assert.IsType<StorageNotFoundException>(missing.InnerException);

        var rows = (await store.QueryAsync("f")).Items;
        var only = Assert.Single(rows);
        Assert.Equal("exists", only.RowKey);
        Assert.Equal(3, only["Value"]);
        Assert.Equal(stale, only.ETag);
    }
}
