using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Storage.Querying;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Scraping;

/// <summary>
/// The embedded host scrapes a real node_exporter through prometheus.yml, the sample bus and
/// ingestion, and the samples come back through the storage engine's querier; when the
/// exporter stops, <c>up</c> turns 0 and its series go stale within one scrape interval.
/// </summary>
public abstract class EmbeddedScrapeEndToEndTests : IDisposable
{
    private const int IntervalMs = 1000;

    protected EmbeddedScrapeEndToEndTests()
    {
        Work = new TempDirectory("sm-e2e-");
    }

    protected TempDirectory Work { get; }

    /// <summary>Settings that select the storage and bus under test.</summary>
    protected abstract Dictionary<string, string?> StorageSettings { get; }

    [Fact]
    public async Task Scrapes_node_exporter_into_storage_and_marks_it_stale_when_it_stops()
    {
        var exporter = await NodeExporterFixture.StartAsync();
        var config = Work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
            scrape_configs:
              - job_name: node
                static_configs:
                  - targets: ['{exporter.ListenAddress}']
            """);
        var settings = new Dictionary<string, string?>(StorageSettings) { ["Scrape:ConfigFile"] = config };
        await using var app = new MonitoringAppFactory { Settings = settings };
        using var client = app.CreateClient();
        var engine = await app.Services.GetRequiredService<StorageEngineAccessor>().GetAsync();

        // Two scrape intervals, then up{job="node"} = 1 and CPU samples are stored.
        await Task.Delay(2 * IntervalMs);
        var up = await WaitForAsync(engine, "up", s => s.Any(p => p.Value == 1), TimeSpan.FromSeconds(20));
        Assert.Equal(exporter.ListenAddress, up.Labels.Get("instance"));
        var cpu = await engine.SelectAsync([LabelMatcher.Equal("__name__", "node_cpu_seconds_total"), LabelMatcher.Equal("job", "node")], 0, long.MaxValue);
        Assert.NotEmpty(cpu.Series);
        Assert.All(cpu.Series, s => Assert.NotEmpty(s.ToArray()));

        var targets = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/targets", UriKind.Relative))).RootElement;
        Assert.Equal("success", targets.GetProperty("status").GetString());
        var target = Assert.Single(targets.GetProperty("data").GetProperty("activeTargets").EnumerateArray());
        Assert.Equal("up", target.GetProperty("health").GetString());
        Assert.Equal("node", target.GetProperty("scrapePool").GetString());
        Assert.Equal($"http://{exporter.ListenAddress}/metrics", target.GetProperty("scrapeUrl").GetString());
        Assert.Equal("node", target.GetProperty("labels").GetProperty("job").GetString());

        // Stop the exporter: the next scrape fails, up becomes 0 and the series go stale.
        var stoppedAt = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        exporter.Dispose();
        var down = await WaitForAsync(engine, "up", s => s.Any(p => p.TimestampMs >= stoppedAt && p.Value == 0), TimeSpan.FromSeconds(20));
        var firstDown = down.ToArray().First(p => p.TimestampMs >= stoppedAt && p.Value == 0).TimestampMs;
        Assert.InRange(firstDown - stoppedAt, 0, IntervalMs + 500);
        var stale = await engine.SelectAsync([LabelMatcher.Equal("__name__", "node_cpu_seconds_total"), LabelMatcher.Equal("job", "node")], stoppedAt, long.MaxValue);
        Assert.NotEmpty(stale.Series);
        foreach (var series in stale.Series)
        {
            var marker = series.ToArray().First(p => p.IsStale);
            Assert.Equal(firstDown, marker.TimestampMs);
        }
    }

    /// <summary>Polls until the series named <paramref name="name"/> of job node has samples meeting <paramref name="condition"/>.</summary>
    private static async Task<StoredSeries> WaitForAsync(StorageEngine engine, string name, Func<Sample[], bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var selection = await engine.SelectAsync([LabelMatcher.Equal("__name__", name), LabelMatcher.Equal("job", "node")], 0, long.MaxValue);
            if (selection.Series.FirstOrDefault(s => condition(s.ToArray())) is { } found)
            {
                return found;
            }

            if (DateTime.UtcNow > deadline)
            {
                var seen = string.Join("; ", selection.Series.Select(s => $"{s.Labels}: {string.Join(",", s.ToArray().Select(p => p.Value.ToString(CultureInfo.InvariantCulture)))}"));
                throw new TimeoutException($"no {name} series met the condition within {timeout}; stored: {seen}");
            }

            await Task.Delay(200);
        }
    }

    public void Dispose()
    {
        Work.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class LocalDiskEmbeddedScrapeEndToEndTests : EmbeddedScrapeEndToEndTests
{
    protected override Dictionary<string, string?> StorageSettings => new()
    {
        ["Storage:Provider"] = "LocalDisk",
        ["Storage:LocalPath"] = Work.Combine("data"),
        ["Scrape:Bus"] = "InProcess",
    };
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteEmbeddedScrapeEndToEndTests(AzuriteFixture azurite) : EmbeddedScrapeEndToEndTests
{
    protected override Dictionary<string, string?> StorageSettings => new()
    {
        ["Storage:Provider"] = "AzureStorage",
        ["MonitoringStorage"] = azurite.ConnectionString,
        ["Scrape:Bus"] = "StorageQueue",
        ["Scrape:QueueName"] = "samples-" + Guid.NewGuid().ToString("N")[..8],
    };
}
