using System.Security.Cryptography;
using System.Text;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;

using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

[Collection(AzuriteCollection.Name)]
public sealed class AzureBlobStoreTests(AzuriteFixture azurite)
{
    private async Task<IBlobStore> NewContainerAsync()
    {
        var store = AzuriteTestEnvironment.CreateProvider(azurite).GetBlobStore(AzuriteTestEnvironment.UniqueName("blobs"));
        await store.CreateIfNotExistsAsync();
        await store.CreateIfNotExistsAsync(); // Idempotent: 409 ContainerAlreadyExists is fine.
        return store;
    }

    [Fact]
    public async Task Put_get_range_properties_delete_round_trip()
    {
        var store = await NewContainerAsync();
        var data = Encoding.UTF8.GetBytes("hello, blob world");

        var put = await store.PutAsync("dir/a.bin", new MemoryStream(data));
        Assert.Equal(data.Length, put.Length);
        Assert.False(string.IsNullOrEmpty(put.ETag));

        var whole = await store.GetAsync("dir/a.bin");
        Assert.Equal(data, whole.Data.ToArray());
        Assert.Equal(put.ETag, whole.ETag);
        Assert.Equal(data.Length, whole.TotalLength);

        var part = await store.GetAsync("dir/a.bin", new ByteRange(7, 4));
        Assert.Equal("blob", Encoding.UTF8.GetString(part.Data.Span));
        Assert.Equal(data.Length, part.TotalLength);

        var tail = await store.GetAsync("dir/a.bin", new ByteRange(13, 100));
        Assert.Equal("orld", Encoding.UTF8.GetString(tail.Data.Span));

        var past = await store.GetAsync("dir/a.bin", new ByteRange(500, 10));
        Assert.Equal(0, past.Data.Length);

        var props = await store.GetPropertiesAsync("dir/a.bin");
        Assert.NotNull(props);
        Assert.Equal(data.Length, props.Length);
        Assert.Equal(put.ETag, props.ETag);

        Assert.True(await store.DeleteAsync("dir/a.bin"));
        Assert.False(await store.DeleteAsync("dir/a.bin"));
        Assert.Null(await store.GetPropertiesAsync("dir/a.bin"));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.GetAsync("dir/a.bin"));
    }

    [Fact]
    public async Task Conditions_create_only_and_etag_match()
    {
        var store = await NewContainerAsync();
        var first = await store.PutAsync("c", new MemoryStream([1]), StorageCondition.CreateOnly);
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(
            () => store.PutAsync("c", new MemoryStream([2]), StorageCondition.CreateOnly));
        Assert.Contains("BlobAlreadyExists", conflict.Message, StringComparison.Ordinal);

        var second = await store.PutAsync("c", new MemoryStream([3]), StorageCondition.Match(first.ETag));
        Assert.NotEqual(first.ETag, second.ETag);
        await Assert.ThrowsAsync<StoragePreconditionFailedException>(
            () => store.PutAsync("c", new MemoryStream([4]), StorageCondition.Match(first.ETag)));
        await Assert.ThrowsAsync<StoragePreconditionFailedException>(
            () => store.DeleteAsync("c", StorageCondition.Match(first.ETag)));
        await Assert.ThrowsAsync<StoragePreconditionFailedException>(
            () => store.PutAsync("missing", new MemoryStream([4]), StorageCondition.Match(first.ETag)));
        Assert.True(await store.DeleteAsync("c", StorageCondition.Match(second.ETag)));
        await Assert.ThrowsAsync<StoragePreconditionFailedException>(
            () => store.DeleteAsync("c", StorageCondition.Match(second.ETag)));
    }

    [Fact]
    public async Task Racing_create_only_puts_have_exactly_one_winner()
    {
        var store = await NewContainerAsync();
        for (var round = 0; round < 5; round++)
        {
            var name = $"race-{round}";
            var tasks = Enumerable.Range(0, 8).Select(async i =>
            {
                try
                {
                    await store.PutAsync(name, new MemoryStream([(byte)i]), StorageCondition.CreateOnly);
                    return true;
                }
                catch (StorageConflictException)
                {
                    return false;
                }
            }).ToList();
            var results = await Task.WhenAll(tasks);
            Assert.Equal(1, results.Count(r => r));
        }
    }

    [Fact]
    public async Task Racing_create_only_block_uploads_have_exactly_one_winner_and_no_mixed_content()
    {
        var store = await NewContainerAsync();
        var payloads = Enumerable.Range(0, 3).Select(i => Enumerable.Repeat((byte)(i + 1), (9 * 1024 * 1024) + 17).ToArray()).ToArray();
        var results = await Task.WhenAll(payloads.Select(async p =>
        {
            try
            {
                await store.PutAsync("big-race", new MemoryStream(p), StorageCondition.CreateOnly);
                return p;
            }
            catch (StorageConflictException)
            {
                return null;
            }
        }));
        var winner = Assert.Single(results, r => r is not null);
        var stored = await store.GetAsync("big-race");
        Assert.True(stored.Data.Span.SequenceEqual(winner));
    }

    [Fact]
    public async Task Exact_block_size_uses_a_single_put()
    {
        var store = await NewContainerAsync();
        var data = new byte[4 * 1024 * 1024];
        data[^1] = 9;
        await store.PutAsync("exact", new MemoryStream(data));
        Assert.Equal(data, (await store.GetAsync("exact")).Data.ToArray());
    }

    [Theory]
    [InlineData("it's \"quoted\"")]
    [InlineData("with space/and more spaces")]
    [InlineData("ünïcödé/日本語/🙂")]
    [InlineData("percent%20literal+plus&amp=eq?q#hash")]
    [InlineData("semi;colon,comma@at!bang$dollar(paren)*star~tilde")]
    [InlineData("%2F literal and trailing dot.")]
    [InlineData("trailing slash/")]
    [InlineData("/leading slash")]
    public async Task Names_with_special_characters_round_trip(string name)
    {
        var store = await NewContainerAsync();
        await store.PutAsync(name, new MemoryStream([7]));
        Assert.Equal([7], (await store.GetAsync(name)).Data.ToArray());
        Assert.NotNull(await store.GetPropertiesAsync(name));
        var page = await store.ListAsync(name[..3]);
        Assert.Equal(name, Assert.Single(page.Items).Name);
        Assert.True(await store.DeleteAsync(name));
    }

    [Fact]
    public async Task Listed_etags_match_the_put_etags()
    {
        var store = await NewContainerAsync();
        var put = await store.PutAsync("e", new MemoryStream([1, 2, 3]));
        var listed = Assert.Single((await store.ListAsync(string.Empty)).Items);
        Assert.Equal(put.ETag, listed.ETag);
        Assert.Equal(3, listed.Length);
        Assert.True(await store.DeleteAsync("e", StorageCondition.Match(listed.ETag)));
    }
}
