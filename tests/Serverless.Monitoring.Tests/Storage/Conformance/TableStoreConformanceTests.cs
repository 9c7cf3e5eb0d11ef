using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Tests.Storage.Conformance;

public abstract class TableStoreConformanceTests : StorageConformanceBase
{
    private async Task<ITableStore> NewTableAsync()
    {
        var table = Provider.GetTableStore(NewTableName());
        await table.CreateIfNotExistsAsync();
        return table;
    }

    private static TableEntity Entity(string pk, string rk, string value = "v")
    {
        var e = new TableEntity(pk, rk);
        e["Value"] = value;
        return e;
    }

    [Fact]
    public async Task Every_property_type_round_trips_exactly()
    {
        var table = await NewTableAsync();
        var when = new DateTimeOffset(2026, 11, 22, 3, 4, 5, 678, TimeSpan.Zero);
        var id = Guid.Parse("0f8fad5b-d9cb-469f-a165-70867728950e");
        var entity = new TableEntity("p", "r");
        entity["S"] = "text with \"quotes\" and \u00fcnicode";
        entity["B"] = true;
        entity["I"] = int.MinValue;
        entity["L"] = long.MaxValue;
        entity["D"] = 0.1;
        entity["Nan"] = double.NaN;
        entity["PosInf"] = double.PositiveInfinity;
        entity["NegInf"] = double.NegativeInfinity;
        entity["NegZero"] = -0.0;
        entity["Bin"] = new byte[] { 0, 1, 2, 255 };
        entity["T"] = when;
        entity["G"] = id;

        var etag = await table.InsertAsync(entity);
        Assert.False(string.IsNullOrEmpty(etag));

        var read = await table.GetAsync("p", "r");
        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.NotNull(read.Timestamp);
        Assert.Equal("text with \"quotes\" and \u00fcnicode", read["S"]);
        Assert.Equal(true, read["B"]);
        Assert.Equal(int.MinValue, read["I"]);
        Assert.Equal(long.MaxValue, read["L"]);
        Assert.Equal(0.1, read["D"]);
        Assert.True(double.IsNaN((double)read["Nan"]!));
        Assert.Equal(double.PositiveInfinity, read["PosInf"]);
        Assert.Equal(double.NegativeInfinity, read["NegInf"]);
        Assert.Equal(new byte[] { 0, 1, 2, 255 }, read["Bin"]);
        Assert.Equal(when, read["T"]);
        Assert.Equal(id, read["G"]);
        Assert.Equal(12, read.Properties.Count);
    }

    [Fact]
    public async Task Insert_of_an_existing_entity_conflicts()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(Entity("p", "r", "first"));
        await Assert.ThrowsAsync<StorageConflictException>(() => table.InsertAsync(Entity("p", "r", "second")));
        Assert.Equal("first", (await table.GetAsync("p", "r"))!.GetString("Value"));
    }

    [Fact]
    public async Task Update_honours_the_etag()
    {
        var table = await NewTableAsync();
        var v1 = await table.InsertAsync(Entity("p", "r", "v1"));
        var v2 = await table.UpdateAsync(Entity("p", "r", "v2"), v1);
        Assert.NotEqual(v1, v2);

        await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => table.UpdateAsync(Entity("p", "r", "v3"), v1));
        Assert.Equal("v2", (await table.GetAsync("p", "r"))!.GetString("Value"));

        await table.UpdateAsync(Entity("p", "r", "v4"), "*");
        Assert.Equal("v4", (await table.GetAsync("p", "r"))!.GetString("Value"));

        await Assert.ThrowsAsync<StorageNotFoundException>(() => table.UpdateAsync(Entity("p", "missing"), "*"));
        Assert.Null(await table.GetAsync("p", "missing"));
    }

    [Fact]
    public async Task Upsert_inserts_then_replaces_the_whole_entity()
    {
        var table = await NewTableAsync();
        var e = Entity("p", "r");
        e["Extra"] = 42L;
        var v1 = await table.UpsertAsync(e);
        var v2 = await table.UpsertAsync(Entity("p", "r", "replaced"));
        Assert.NotEqual(v1, v2);

        var read = await table.GetAsync("p", "r");
        Assert.Equal("replaced", read!.GetString("Value"));
        Assert.False(read.Properties.ContainsKey("Extra"));
    }

    [Fact]
    public async Task Delete_honours_the_etag()
    {
        var table = await NewTableAsync();
        var v1 = await table.InsertAsync(Entity("p", "r", "v1"));
        var v2 = await table.UpdateAsync(Entity("p", "r", "v2"), v1);

        await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => table.DeleteAsync("p", "r", v1));
        Assert.NotNull(await table.GetAsync("p", "r"));

        Assert.True(await table.DeleteAsync("p", "r", v2));
        Assert.Null(await table.GetAsync("p", "r"));
        Assert.False(await table.DeleteAsync("p", "r"));
    }

    [Fact]
    public async Task Querying_past_1000_entities_follows_continuation_in_row_key_order()
    {
        var table = await NewTableAsync();
        const int count = 1_250;
        var keys = Enumerable.Range(0, count).Select(i => $"row{i:D5}").ToList();
        foreach (var chunk in keys.Chunk(100))
        {
            await table.SubmitBatchAsync(chunk.Select(k => TableOperation.Insert(Entity("big", k, k))).ToList());
        }

        await table.InsertAsync(Entity("big-neighbour", "row00001"));
        await table.InsertAsync(Entity("bif", "row00001"));

        var seen = await ReadAllAsync(table, "big", null, null);
        Assert.Equal(keys, seen.Select(e => e.RowKey));
        Assert.All(seen, e => Assert.Equal(e.RowKey, e.GetString("Value")));
        Assert.All(seen, e => Assert.False(string.IsNullOrEmpty(e.ETag)));
    }

    [Fact]
    public async Task Query_bounds_are_from_inclusive_to_exclusive_and_pages_can_be_small()
    {
        var table = await NewTableAsync();
        var keys = new[] { "a", "b", "b0", "c", "d", "\u00e9" };
        await table.SubmitBatchAsync(keys.Select(k => TableOperation.Insert(Entity("p", k))).ToList());

        Assert.Equal(["b", "b0", "c"], (await ReadAllAsync(table, "p", "b", "d", pageSize: 2)).Select(e => e.RowKey));
        Assert.Equal(["d", "\u00e9"], (await ReadAllAsync(table, "p", "c0", null)).Select(e => e.RowKey));
        Assert.Equal(["a", "b"], (await ReadAllAsync(table, "p", null, "b0")).Select(e => e.RowKey));
        Assert.Empty(await ReadAllAsync(table, "other", null, null));
    }

    [Fact]
    public async Task A_batch_with_one_failing_operation_applies_nothing()
    {
        var table = await NewTableAsync();
        await table.InsertAsync(Entity("p", "existing", "untouched"));

        var operations = Enumerable.Range(0, 10)
            .Select(i => i == 7 ? TableOperation.Insert(Entity("p", "existing", "clobbered")) : TableOperation.Insert(Entity("p", $"new{i}")))
            .ToList();
        var failure = await Assert.ThrowsAsync<TableBatchFailedException>(() => table.SubmitBatchAsync(operations));
        Assert.Equal(7, failure.FailedIndex);
        Assert.IsType<StorageConflictException>(failure.InnerException);

        var all = await ReadAllAsync(table, "p", null, null);
        Assert.Equal(["existing"], all.Select(e => e.RowKey));
        Assert.Equal("untouched", all[0].GetString("Value"));
    }

    [Fact]
    public async Task A_batch_with_a_stale_etag_applies_nothing()
    {
        var table = await NewTableAsync();
        var v1 = await table.InsertAsync(Entity("p", "r", "v1"));
        await table.UpdateAsync(Entity("p", "r", "v2"), v1);

        var operations = new List<TableOperation>
        {
            TableOperation.Upsert(Entity("p", "other")),
            TableOperation.Update(Entity("p", "r", "v3"), v1),
        };
        var failure = await Assert.ThrowsAsync<TableBatchFailedException>(() => table.SubmitBatchAsync(operations));
        Assert.Equal(1, failure.FailedIndex);
        Assert.IsType<StoragePreconditionFailedException>(failure.InnerException);
        Assert.Null(await table.GetAsync("p", "other"));
        Assert.Equal("v2", (await table.GetAsync("p", "r"))!.GetString("Value"));
    }

    [Fact]
    public async Task A_batch_of_mixed_operations_applies_all_and_returns_etags()
    {
        var table = await NewTableAsync();
        var updateEtag = await table.InsertAsync(Entity("p", "update", "old"));
        await table.InsertAsync(Entity("p", "delete"));
        await table.InsertAsync(Entity("p", "upsert", "old"));

        var etags = await table.SubmitBatchAsync(
        [
            TableOperation.Insert(Entity("p", "insert", "new")),
            TableOperation.Upsert(Entity("p", "upsert", "new")),
            TableOperation.Update(Entity("p", "update", "new"), updateEtag),
            TableOperation.Delete("p", "delete"),
        ]);

        Assert.Equal(4, etags.Count);
        Assert.All(etags.Take(3), e => Assert.False(string.IsNullOrEmpty(e)));
        Assert.Null(etags[3]);
        var all = await ReadAllAsync(table, "p", null, null);
        Assert.Equal(["insert", "update", "upsert"], all.Select(e => e.RowKey));
        Assert.All(all, e => Assert.Equal("new", e.GetString("Value")));
        Assert.Equal(etags[0], all[0].ETag);
        Assert.Equal(etags[2], all[1].ETag);
    }

    [Fact]
    public async Task A_batch_of_100_operations_is_accepted()
    {
        var table = await NewTableAsync();
        var etags = await table.SubmitBatchAsync(
            Enumerable.Range(0, 100).Select(i => TableOperation.Upsert(Entity("p", $"r{i:D3}"))).ToList());
        Assert.Equal(100, etags.Count);
        Assert.Equal(100, (await ReadAllAsync(table, "p", null, null)).Count);
    }

    [Fact]
    public async Task Keys_with_quotes_spaces_and_non_ascii_round_trip()
    {
        var table = await NewTableAsync();
        string[] partitions = ["it's a \"pk\" \u00fc", "plain", "\u65e5\u672c 'x' \U0001F525"];
        string[] rows = ["row 'one'", "\"two\" & three", "\u00e9t\u00e9 % + = 4"];
        foreach (var pk in partitions)
        {
            await table.SubmitBatchAsync(rows.Select(rk => TableOperation.Insert(Entity(pk, rk, pk + "|" + rk))).ToList());
        }

        foreach (var pk in partitions)
        {
            var all = await ReadAllAsync(table, pk, null, null);
            Assert.Equal(rows.Order(StringComparer.Ordinal), all.Select(e => e.RowKey));
            Assert.All(all, e => Assert.Equal(pk, e.PartitionKey));
            foreach (var rk in rows)
            {
                var e = await table.GetAsync(pk, rk);
                Assert.Equal(pk + "|" + rk, e!.GetString("Value"));
            }
        }

        Assert.True(await table.DeleteAsync(partitions[0], rows[0]));
        Assert.Null(await table.GetAsync(partitions[0], rows[0]));
    }

    [Fact]
    public async Task Keys_that_azure_forbids_are_rejected()
    {
        var table = await NewTableAsync();
        await Assert.ThrowsAnyAsync<StorageException>(() => table.InsertAsync(Entity("a/b", "r")));
        await Assert.ThrowsAnyAsync<StorageException>(() => table.InsertAsync(Entity("p", "a#b")));
        await Assert.ThrowsAnyAsync<StorageException>(() => table.InsertAsync(Entity("p", "a?b")));
        await Assert.ThrowsAnyAsync<StorageException>(() => table.InsertAsync(Entity("p", "a\\b")));
    }

    private static async Task<List<TableEntity>> ReadAllAsync(ITableStore table, string pk, string? from, string? to, int pageSize = 1000)
    {
        var seen = new List<TableEntity>();
        string? token = null;
        do
        {
            var page = await table.QueryAsync(pk, from, to, token, pageSize);
            Assert.True(page.Items.Count <= pageSize, $"a page held {page.Items.Count} entities");
            seen.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);
        return seen;
    }
}
