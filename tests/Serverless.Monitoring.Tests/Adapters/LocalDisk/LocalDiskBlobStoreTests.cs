using System.Text;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Storage;

namespace Serverless.Monitoring.Tests.Adapters.LocalDisk;

public sealed class LocalDiskBlobStoreTests : IDisposable
{
    private readonly TempDirectory _root = new("sm-localdisk-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task LeftoverTempFilesFromACrashAreCleanedUpAndNeverListed()
    {
        var store = new LocalDiskStorageProvider(_root.Path).GetBlobStore("blocks");
        await store.CreateIfNotExistsAsync();
        await store.PutAsync("real", new MemoryStream([1, 2, 3]));

        // What a writer that crashed before its rename leaves behind.
        var temp = Path.Combine(_root.Path, "blobs", "blocks", ".tmp");
        var stale = Path.Combine(temp, "crashed.tmp");
        var young = Path.Combine(temp, "in-flight.tmp");
        await File.WriteAllBytesAsync(stale, new byte[100]);
        await File.WriteAllBytesAsync(young, new byte[100]);
        File.SetLastWriteTimeUtc(stale, DateTime.UtcNow.AddHours(-1));

        Assert.Equal(["real"], (await store.ListAsync("")).Items.Select(b => b.Name));

        // A restart (new provider, new store instance) removes the stale file, not one another process may still write.
        var restarted = new LocalDiskStorageProvider(_root.Path).GetBlobStore("blocks");
        Assert.False(File.Exists(stale));
        Assert.True(File.Exists(young));
        var page = await restarted.ListAsync("");
        Assert.Equal(["real"], page.Items.Select(b => b.Name));
        Assert.Null(page.ContinuationToken);
        Assert.Equal([1, 2, 3], (await restarted.GetAsync("real")).Data.ToArray());
    }

    [Fact]
    public async Task AwkwardNamesRoundTripAndListUnderTheirRealNames()
    {
        string[] names =
        [
            "a \"quoted\" name with spaces",
            "ünïcødé/日本語/🙂.bin",
            "100%/%41%2F",
            // '.', '..' and '\' are refused (see StorageNaming), but dots that URIs keep are names like any other.
            "...",
            "..escape/...",
            ".hidden",
            "a/.b/..c",
            "a//b/",
            "/leading",
            "a", // a file where "a/..." names need a folder
            "a/b",
            "tilde~",
            "question?hash#",
            "x" + new string('é', 1000), // one segment too long for a file name
            string.Concat(Enumerable.Repeat("é/", 512)), // a path too long for Linux
            "\uFFFD", // sorts before U+1F600 in UTF-8, after it in UTF-16
            "\U0001F600",
        ];
        var store = new LocalDiskStorageProvider(_root.Path).GetBlobStore("names");
        await store.CreateIfNotExistsAsync();
        foreach (var name in names)
        {
            await store.PutAsync(name, new MemoryStream(Encoding.UTF8.GetBytes("content of " + name)), StorageCondition.CreateOnly);
        }

        foreach (var name in names)
        {
            var blob = await store.GetAsync(name);
            Assert.Equal("content of " + name, Encoding.UTF8.GetString(blob.Data.Span));
            Assert.Equal(name, (await store.GetPropertiesAsync(name))!.Name);
        }

        var expected = names.OrderBy(n => Encoding.UTF8.GetBytes(n), Comparer<byte[]>.Create((x, y) => x.AsSpan().SequenceCompareTo(y))).ToList();
        var listed = new List<string>();
        string? token = null;
        do
        {
            var page = await store.ListAsync("", token, pageSize: 5);
            listed.AddRange(page.Items.Select(b => b.Name));
            token = page.ContinuationToken;
        }
        while (token is not null);
        Assert.Equal(expected, listed);

        Assert.Equal(["a/.b/..c", "a//b/", "a/b"], (await store.ListAsync("a/")).Items.Select(b => b.Name));
        Assert.Equal(["100%/%41%2F"], (await store.ListAsync("100%/%4")).Items.Select(b => b.Name));
        Assert.Equal([names[^4]], (await store.ListAsync("xé")).Items.Select(b => b.Name));

        // Nothing escaped the container's folder.
        Assert.Equal(["blobs"], Directory.GetFileSystemEntries(_root.Path).Select(Path.GetFileName));
        Assert.Equal(["names"], Directory.GetFileSystemEntries(Path.Combine(_root.Path, "blobs")).Select(Path.GetFileName));

        foreach (var name in names)
        {
            Assert.True(await store.DeleteAsync(name));
        }

        Assert.Empty((await store.ListAsync("")).Items);
    }

    [Fact]
    public async Task APutWhoseStreamFailsMidwayIsNeverVisible()
    {
        var store = new LocalDiskStorageProvider(_root.Path).GetBlobStore("partial");
        await store.CreateIfNotExistsAsync();
        var before = await store.PutAsync("block", new MemoryStream(Encoding.UTF8.GetBytes("previous")));

        await Assert.ThrowsAsync<IOException>(() => store.PutAsync("block", new FailingStream(300_000)));
        await Assert.ThrowsAsync<IOException>(() => store.PutAsync("new", new FailingStream(300_000), StorageCondition.CreateOnly));

        var after = await store.GetAsync("block");
        Assert.Equal("previous", Encoding.UTF8.GetString(after.Data.Span));
        Assert.Equal(before.ETag, after.ETag);
        Assert.Null(await store.GetPropertiesAsync("new"));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.GetAsync("new"));
        Assert.Equal(["block"], (await store.ListAsync("")).Items.Select(b => b.Name));
        Assert.Empty(Directory.GetFiles(Path.Combine(_root.Path, "blobs", "partial", ".tmp")));

        // The failed create-only write did not take the name.
        await store.PutAsync("new", new MemoryStream([7]), StorageCondition.CreateOnly);
    }

    [Fact]
    public async Task RangesReadOnlyTheirBytesAndAreClippedLikeAzure()
    {
        var store = new LocalDiskStorageProvider(_root.Path).GetBlobStore("ranges");
        await store.CreateIfNotExistsAsync();
        var data = Enumerable.Range(0, 1000).Select(i => (byte)i).ToArray();
        await store.PutAsync("r", new MemoryStream(data));

        var middle = await store.GetAsync("r", new ByteRange(10, 20));
        Assert.Equal(data[10..30], middle.Data.ToArray());
        Assert.Equal(1000, middle.TotalLength);
        Assert.Equal(data[990..], (await store.GetAsync("r", new ByteRange(990, 100))).Data.ToArray());
        await Assert.ThrowsAsync<StorageRequestException>(() => store.GetAsync("r", new ByteRange(-1, 1)));
        await Assert.ThrowsAsync<StorageNotFoundException>(() => store.GetAsync("missing", new ByteRange(0, 1)));
    }

    [Fact]
    public async Task CreateOnlyHasExactlyOneWinnerAcrossStoreInstances()
    {
        // Two providers do not share locks, like two processes: only link(2) decides.
        var stores = new[]
        {
            new LocalDiskStorageProvider(_root.Path).GetBlobStore("race"),
            new LocalDiskStorageProvider(_root.Path).GetBlobStore("race"),
        };
        await stores[0].CreateIfNotExistsAsync();
        for (var round = 0; round < 10; round++)
        {
            var name = $"blocks/{round}/meta";
            var outcomes = await Task.WhenAll(Enumerable.Range(0, 16).Select(i => Task.Run(async () =>
            {
                try
                {
                    await stores[i % 2].PutAsync(name, new MemoryStream([(byte)i]), StorageCondition.CreateOnly);
                    return true;
                }
                catch (StorageConflictException)
                {
                    return false;
                }
            })));
            Assert.Single(outcomes, won => won);
        }
    }

    [Fact]
    public async Task ListingToleratesFoldersThatConcurrentDeletesPrune()
    {
        var store = new LocalDiskStorageProvider(_root.Path).GetBlobStore("churn");
        await store.CreateIfNotExistsAsync();
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(1.5));
        var writers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var n = 0; !stop.IsCancellationRequested; n++)
            {
                var name = $"d{w}/e{n % 3}/f{n % 5}/blob";
                await store.PutAsync(name, new MemoryStream([1]));
                await store.DeleteAsync(name);
            }
        })).ToList();
        while (!stop.IsCancellationRequested)
        {
            await store.ListAsync("");
            await store.ListAsync("d1/e1/");
            await Task.Delay(1);
        }

        await Task.WhenAll(writers);
        Assert.Empty((await store.ListAsync("")).Items);

        // Emptied folders were removed; only the temp folder stays.
        Assert.Equal([".tmp"], Directory.GetFileSystemEntries(Path.Combine(_root.Path, "blobs", "churn")).Select(Path.GetFileName));
    }
}
