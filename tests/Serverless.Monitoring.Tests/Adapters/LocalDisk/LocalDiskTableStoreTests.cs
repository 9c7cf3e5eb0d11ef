using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.LocalDisk;

public sealed class LocalDiskTableStoreTests : IDisposable
{
    private readonly TempDirectory _root = new("sm-localdisk-");

    public void Dispose() => _root.Dispose();

    [Theory]
    [InlineData("job \"node\" ünï 日本")]
    [InlineData("")]
    [InlineData(".")]
    [InlineData("..")]
    [InlineData("%41")]
    public async Task PropertyTypesRoundTripThroughTheFilesOnDisk(string partitionKey)
    {
        var table = new LocalDiskStorageProvider(_root.Path).GetTableStore("Types");
        await table.CreateIfNotExistsAsync();
        var guid = Guid.NewGuid();
        var local = new DateTimeOffset(2024, 2, 29, 23, 59, 59, TimeSpan.FromHours(5.5)).AddTicks(1234567);
        var entity = new TableEntity(partitionKey, "row 'one' ✓")
        {
            ["String"] = "quotes \" ' and ünïcødé 🙂",
            ["Empty"] = "",
            ["True"] = true,
            ["Int"] = int.MinValue,
            ["SmallLong"] = 1L,
            ["Long"] = long.MaxValue,
            ["Double"] = 0.1,
            ["NaN"] = double.NaN,
            ["PosInf"] = double.PositiveInfinity,
            ["NegInf"] = double.NegativeInfinity,
            ["NegZero"] = -0.0,
            ["Bytes"] = new byte[] { 0, 1, 255 },
            ["NoBytes"] = Array.Empty<byte>(),
            ["Time"] = local,
            ["Guid"] = guid,
        };
        var etag = await table.InsertAsync(entity);

        // A new provider re-reads everything from disk.
        var reread = await new LocalDiskStorageProvider(_root.Path).GetTableStore("types").GetAsync(partitionKey, "row 'one' ✓");
        Assert.NotNull(reread);
        Assert.Equal(etag, reread.ETag);
        Assert.NotNull(reread.Timestamp);
        Assert.Equal(entity.Properties.Count, reread.Properties.Count);
        Assert.Equal("quotes \" ' and ünïcødé 🙂", Assert.IsType<string>(reread["String"]));
        Assert.Equal("", Assert.IsType<string>(reread["Empty"]));
        Assert.True(Assert.IsType<bool>(reread["True"]));
        Assert.Equal(int.MinValue, Assert.IsType<int>(reread["Int"]));
        Assert.Equal(1L, Assert.IsType<long>(reread["SmallLong"]));
        Assert.Equal(long.MaxValue, Assert.IsType<long>(reread["Long"]));
        Assert.Equal(0.1, Assert.IsType<double>(reread["Double"]));
        Assert.True(double.IsNaN(Assert.IsType<double>(reread["NaN"])));
        Assert.Equal(double.PositiveInfinity, Assert.IsType<double>(reread["PosInf"]));
        Assert.Equal(double.NegativeInfinity, Assert.IsType<double>(reread["NegInf"]));
        Assert.True(double.IsNegative(Assert.IsType<double>(reread["NegZero"])));
        Assert.Equal(new byte[] { 0, 1, 255 }, Assert.IsType<byte[]>(reread["Bytes"]));
        Assert.Empty(Assert.IsType<byte[]>(reread["NoBytes"]));
        var time = Assert.IsType<DateTimeOffset>(reread["Time"]);
        Assert.Equal(TimeSpan.Zero, time.Offset);
        Assert.Equal(local.UtcTicks, time.UtcTicks);
        Assert.Equal(guid, Assert.IsType<Guid>(reread["Guid"]));
    }

    [Fact]
    public async Task LongPartitionKeysAndBadKeys()
    {
        var table = new LocalDiskStorageProvider(_root.Path).GetTableStore("keys");
        await table.CreateIfNotExistsAsync();
        var longKey = new string('ü', 512);
        await table.UpsertAsync(new TableEntity(longKey, "r") { ["v"] = 1 });
        Assert.Equal(1, (await new LocalDiskStorageProvider(_root.Path).GetTableStore("keys").GetAsync(longKey, "r"))!["v"]);

        foreach (var bad in new[] { "a/b", "a\\b", "a#b", "a?b", "a\u0001b", "a\u007Fb", new string('k', 513) })
        {
            await Assert.ThrowsAsync<StorageRequestException>(() => table.UpsertAsync(new TableEntity(bad, "r")));
            await Assert.ThrowsAsync<StorageRequestException>(() => table.UpsertAsync(new TableEntity("p", bad)));
        }

        Assert.Throws<StorageRequestException>(() => new LocalDiskStorageProvider(_root.Path).GetTableStore("1abc"));
        Assert.Throws<StorageRequestException>(() => new LocalDiskStorageProvider(_root.Path).GetBlobStore("Upper"));
        Assert.Throws<StorageRequestException>(() => new LocalDiskStorageProvider(_root.Path).GetQueue("a--b"));
    }
}
