using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Scraping;

/// <summary>Each target's previous series survive in the table store, on both adapters.</summary>
public abstract class ScrapeStateStoreTests
{
    protected abstract IStorageProvider Provider { get; }

    private async Task<TableScrapeStateStore> StoreAsync()
    {
        var table = Provider.GetTableStore("scrapestate" + Guid.NewGuid().ToString("N")[..8]);
        await table.CreateIfNotExistsAsync();
        return new TableScrapeStateStore(table);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(3)]
    [InlineData(20_000)]
    public async Task Saved_series_come_back_equal(int count)
    {
        var store = await StoreAsync();
        var series = Enumerable.Range(0, count)
            .Select(i => LabelSet.FromStrings("__name__", "node_cpu_seconds_total", "cpu", (i / 8).ToString(System.Globalization.CultureInfo.InvariantCulture), "mode", "mode-" + (i % 8), "instance", "höst:9100", "job", "node"))
            .ToList();
        await store.SaveAsync("t1", series, 42UL, CancellationToken.None);
        var loaded = await store.LoadAsync("t1", CancellationToken.None);
        Assert.NotNull(loaded);
        Assert.Equal(42UL, loaded.Fingerprint);
        Assert.Equal(series, loaded.Series);
        Assert.Null(await store.LoadAsync("t2", CancellationToken.None));
        await store.DeleteAsync("t1", CancellationToken.None);
        Assert.Null(await store.LoadAsync("t1", CancellationToken.None));
    }

    [Fact]
    public async Task A_new_loop_restored_from_the_store_marks_what_the_old_one_saw_stale()
    {
        var store = await StoreAsync();
        var target = new ScrapeTarget
        {
            Job = "node",
            Url = new Uri("http://127.0.0.1:9100/metrics"),
            Labels = LabelSet.FromStrings("instance", "127.0.0.1:9100", "job", "node"),
            Interval = TimeSpan.FromSeconds(15),
            Timeout = TimeSpan.FromSeconds(10),
        };
        var first = new ScrapeLoop(target);
        first.Append("a 1\nb 1\n"u8.ToArray(), "text/plain", 1000, TimeSpan.Zero, null);
        await store.SaveAsync(target.Key, first.PreviousSeries, first.PreviousSeriesFingerprint, CancellationToken.None);

        // Another process (the next invocation) scrapes the target without b.
        var second = new ScrapeLoop(target);
        var saved = await store.LoadAsync(target.Key, CancellationToken.None);
        second.RestorePreviousSeries(saved!.Series);
        Assert.Equal(first.PreviousSeriesFingerprint, second.PreviousSeriesFingerprint);
        var output = second.Append("a 2\n"u8.ToArray(), "text/plain", 16000, TimeSpan.Zero, null);
        var stale = Assert.Single(output.Series, s => s.Samples[0].IsStale);
        Assert.Equal("b", stale.Labels.MetricName);
    }
}

public sealed class LocalDiskScrapeStateStoreTests : ScrapeStateStoreTests, IDisposable
{
    private readonly TempDirectory _dir = new("sm-scrapestate-");

    public LocalDiskScrapeStateStoreTests()
    {
        Provider = new LocalDiskStorageProvider(_dir.Path);
    }

    protected override IStorageProvider Provider { get; }

    public void Dispose() => _dir.Dispose();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteScrapeStateStoreTests(AzuriteFixture azurite) : ScrapeStateStoreTests
{
    protected override IStorageProvider Provider { get; } = AzureStorageProvider.FromConnectionString(azurite.ConnectionString);
}
