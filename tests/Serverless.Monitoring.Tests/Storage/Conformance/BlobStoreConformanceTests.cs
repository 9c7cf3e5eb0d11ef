using System.Security.Cryptography;
using System.Text;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Tests.Storage.Conformance;

public abstract class BlobStoreConformanceTests : StorageConformanceBase
{
    private async Task<IBlobStore> NewStoreAsync()
    {
        var store = Provider.GetBlobStore(NewContainerName("blobs"));
        await store.CreateIfNotExistsAsync();
        return store;
    }

    private static MemoryStream Stream(string text) => new(Encoding.UTF8.GetBytes(text));

    private static string Text(BlobContent content) => Encoding.UTF8.GetString(content.Data.Span);

    [Fact]
    public async Task Put_then_get_round_trips_and_overwrite_changes_the_etag()
    {
        var store = await NewStoreAsync();
        var first = await store.PutAsync("a/b.txt", Stream("hello"));
        Assert.Equal(5, first.Length);
        Assert.False(string.IsNullOrEmpty(first.ETag));

        var read = await store.GetAsync("a/b.txt");
        Assert.Equal("hello", Text(read));
        Assert.Equal(first.ETag, read.ETag);
        Assert.Equal(5, read.TotalLength);

        var second = await store.PutAsync("a/b.txt", Stream("world!"));
        Assert.NotEqual(first.ETag, second.ETag);
        Assert.Equal("world!", Text(await store.GetAsync("a/b.txt")));
        var props = await store.GetPropertiesAsync("a/b.txt");
        Assert.NotNull(props);
        Assert.Equal(6, props.Length);
        Assert.Equal(second.ETag, props.ETag);
    }

    [Fact]
    public async Task Empty_blob_round_trips()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("empty", new MemoryStream());
        var read = await store.GetAsync("empty");
        Assert.Equal(0, read.Data.Length);
        Assert.Equal(0, read.TotalLength);
        Assert.Equal(0, (await store.GetAsync("empty", new ByteRange(0, 10))).Data.Length);
    }

    [Fact]
    public async Task Ranged_get_returns_exactly_the_range()
    {
        var store = await NewStoreAsync();
        var bytes = DeterministicBytes(10_000, 1);
        await store.PutAsync("r", new MemoryStream(bytes));

        var middle = await store.GetAsync("r", new ByteRange(1234, 100));
        Assert.Equal(bytes.AsSpan(1234, 100).ToArray(), middle.Data.ToArray());
        Assert.Equal(10_000, middle.TotalLength);

        var tail = await store.GetAsync("r", new ByteRange(9_990, 10));
        Assert.Equal(bytes.AsSpan(9_990).ToArray(), tail.Data.ToArray());

        var clipped = await store.GetAsync("r", new ByteRange(9_995, 100));
        Assert.Equal(bytes.AsSpan(9_995).ToArray(), clipped.Data.ToArray());

        // A range that starts at or past the end reads no bytes (and still says how long the blob is).
        foreach (var offset in new long[] { 10_000, 20_000 })
        {
            var past = await store.GetAsync("r", new ByteRange(offset, 10));
            Assert.Equal(0, past.Data.Length);
            Assert.Equal(10_000, past.TotalLength);
        }
    }

    [Fact]
    public async Task Missing_blob_is_not_found()
    {
        var store = await NewStoreAsync();
        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.GetAsync("nope"));
        Assert.Null(await store.GetPropertiesAsync("nope"));
        Assert.False(await store.DeleteAsync("nope"));
    }

    [Fact]
    public async Task Create_only_put_on_an_existing_blob_conflicts_and_keeps_the_content()
    {
        var store = await NewStoreAsync();
        await store.PutAsync("x", Stream("original"), StorageCondition.CreateOnly);
        await Assert.ThrowsAsync<StorageConflictException>(
            () => store.PutAsync("x", Stream("intruder"), StorageCondition.CreateOnly));
        Assert.Equal("original", Text(await store.GetAsync("x")));
    }

    [Fact]
    public async Task If_match_put_and_delete_honour_the_etag()
    {
        var store = await NewStoreAsync();
        var v1 = await store.PutAsync("e", Stream("v1"));
        var v2 = await store.PutAsync("e", Stream("v2"), StorageCondition.Match(v1.ETag));
        Assert.Equal("v2", Text(await store.GetAsync("e")));

        await Assert.ThrowsAsync<StoragePreconditionFailedException>(
            () => store.PutAsync("e", Stream("v3"), StorageCondition.Match(v1.ETag)));
        Assert.Equal("v2", Text(await store.GetAsync("e")));

        await Assert.ThrowsAsync<StoragePreconditionFailedException>(
            () => store.DeleteAsync("e", StorageCondition.Match(v1.ETag)));
        Assert.NotNull(await store.GetPropertiesAsync("e"));

        Assert.True(await store.DeleteAsync("e", StorageCondition.Match(v2.ETag)));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.GetAsync("e"));
    }

    [Fact]
    public async Task If_match_put_on_a_missing_blob_fails()
    {
        var store = await NewStoreAsync();
        var v1 = await store.PutAsync("gone", Stream("v1"));
        await store.DeleteAsync("gone");
        await Assert.ThrowsAnyAsync<StorageException>(
            () => store.PutAsync("gone", Stream("v2"), StorageCondition.Match(v1.ETag)));
        Assert.Null(await store.GetPropertiesAsync("gone"));
    }

    [Fact]
    public async Task Two_writers_racing_a_create_only_put_have_exactly_one_winner()
    {
        var store = await NewStoreAsync();
        for (var round = 0; round < 5; round++)
        {
            var name = $"race/{round}";
            using var start = new ManualResetEventSlim();
            var writers = Enumerable.Range(0, 2).Select(writer => Task.Run(async () =>
            {
                start.Wait();
                try
                {
                    await store.PutAsync(name, Stream($"writer-{writer}"), StorageCondition.CreateOnly);
                    return writer;
                }
                catch (StorageConflictException)
                {
                    return -1;
                }
            })).ToList();
            start.Set();
            var outcomes = await Task.WhenAll(writers);

            var winners = outcomes.Where(o => o >= 0).ToList();
            Assert.Single(winners);
            Assert.Equal($"writer-{winners[0]}", Text(await store.GetAsync(name)));
        }
    }

    [Fact]
    public async Task Listing_past_5000_blobs_pages_with_continuation_in_name_order()
    {
        var store = await NewStoreAsync();
        const int count = 5_050;
        var names = Enumerable.Range(0, count).Select(i => $"many/{i:D5}").ToList();
        await RunConcurrentlyAsync(names, 32, n => store.PutAsync(n, new MemoryStream([1])));
        await store.PutAsync("other/outside", new MemoryStream([2]));
        await store.PutAsync("manz", new MemoryStream([3]));

        var seen = new List<string>();
        string? token = null;
        var pages = 0;
        do
        {
            var page = await store.ListAsync("many/", token);
            Assert.True(page.Items.Count <= 5000, $"a page held {page.Items.Count} items");
            seen.AddRange(page.Items.Select(i => i.Name));
            token = page.ContinuationToken;
            pages++;
        }
        while (token is not null);

        Assert.True(pages >= 2, "5,050 blobs must take more than one page");
        Assert.Equal(names, seen);
    }

    [Fact]
    public async Task Listing_with_a_small_page_size_returns_every_name_once()
    {
        var store = await NewStoreAsync();
        var names = new[] { "p/a", "p/b", "p/b/c", "p/c d", "p/\u00e9", "q/x" };
        foreach (var n in names)
        {
            await store.PutAsync(n, Stream(n));
        }

        var seen = new List<BlobProperties>();
        string? token = null;
        do
        {
            var page = await store.ListAsync("p/", token, pageSize: 2);
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items);
            token = page.ContinuationToken;
        }
        while (token is not null);

        var expected = names.Where(n => n.StartsWith("p/", StringComparison.Ordinal)).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(expected, seen.Select(s => s.Name));
        Assert.All(seen, s => Assert.Equal(Encoding.UTF8.GetByteCount(s.Name), s.Length));
    }

    [Fact]
    public async Task A_64_MiB_blob_round_trips()
    {
        var store = await NewStoreAsync();
        var bytes = DeterministicBytes(64 * 1024 * 1024, 64);
        var put = await store.PutAsync("big.bin", new MemoryStream(bytes));
        Assert.Equal(bytes.Length, put.Length);

        var read = await store.GetAsync("big.bin");
        Assert.Equal(SHA256.HashData(bytes), SHA256.HashData(read.Data.Span));

        var tail = await store.GetAsync("big.bin", new ByteRange(bytes.Length - 1000, 1000));
        Assert.Equal(bytes.AsSpan(bytes.Length - 1000).ToArray(), tail.Data.ToArray());

        // Across the 4 MiB boundary where the Azure adapter splits its block upload.
        var across = await store.GetAsync("big.bin", new ByteRange((4 * 1024 * 1024) - 3, 10));
        Assert.Equal(bytes.AsSpan((4 * 1024 * 1024) - 3, 10).ToArray(), across.Data.ToArray());
        Assert.Equal(bytes.Length, across.TotalLength);
        await Assert.ThrowsAsync<StorageConflictException>(() => store.PutAsync("big.bin", new MemoryStream(bytes), StorageCondition.CreateOnly));
    }

    [Theory]
    [InlineData(1024)]
    [InlineData(20 * 1024 * 1024)]
    public async Task A_put_whose_content_fails_part_way_leaves_nothing_half_written(int failAfter)
    {
        var store = await NewStoreAsync();
        await store.PutAsync("keep", Stream("previous"));

        await Assert.ThrowsAsync<IOException>(
            () => store.PutAsync("keep", new FailingStream(failAfter)));
        await Assert.ThrowsAsync<IOException>(
            () => store.PutAsync("fresh", new FailingStream(failAfter)));

        Assert.Equal("previous", Text(await store.GetAsync("keep")));
        Assert.Null(await store.GetPropertiesAsync("fresh"));
        var listed = await store.ListAsync("");
        Assert.Equal(["keep"], listed.Items.Select(i => i.Name));
    }

    [Fact]
    public async Task Names_with_quotes_spaces_and_non_ascii_round_trip_and_list()
    {
        var store = await NewStoreAsync();
        string[] names =
        [
            "it's \"quoted\"/with space/\u00fcn\u00efc\u00f8d\u00e9-\u65e5\u672c\u8a9e.bin",
            "plus+equals=amp&hash-less",
            "percent%20not-escaped",
            "dots.in.name/v1.0",
            "emoji/\U0001F525 fire",
        ];
        foreach (var name in names)
        {
            await store.PutAsync(name, Stream(name));
        }

        foreach (var name in names)
        {
            Assert.Equal(name, Text(await store.GetAsync(name)));
        }

        var listed = await store.ListAsync("");
        Assert.Equal(names.Order(StringComparer.Ordinal), listed.Items.Select(i => i.Name));

        var byPrefix = await store.ListAsync("it's \"quoted\"/with space/\u00fc");
        Assert.Equal([names[0]], byPrefix.Items.Select(i => i.Name));

        Assert.True(await store.DeleteAsync(names[0]));
        Assert.Null(await store.GetPropertiesAsync(names[0]));
    }

    [Theory]
    [InlineData("back\\slash")]
    [InlineData("a/../b")]
    [InlineData("./b")]
    [InlineData("a/.")]
    [InlineData("..")]
    [InlineData("")]
    public async Task Names_Azure_would_rewrite_are_refused_by_every_adapter(string name)
    {
        // The Blob service turns '\' into '/', and URIs collapse '.' and '..' segments: a name that
        // local disk kept would address another blob in Azure.
        var store = await NewStoreAsync();
        await Assert.ThrowsAsync<StorageRequestException>(() => store.PutAsync(name, Stream("x")));
        await Assert.ThrowsAsync<StorageRequestException>(() => store.PutAsync(name, Stream("x"), StorageCondition.CreateOnly));
        await Assert.ThrowsAsync<StorageRequestException>(() => store.GetAsync(name));
        await Assert.ThrowsAsync<StorageRequestException>(() => store.GetPropertiesAsync(name));
        await Assert.ThrowsAsync<StorageRequestException>(() => store.DeleteAsync(name));
        Assert.Empty((await store.ListAsync("")).Items);
    }
}
