using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// The app in memory over a temporary local-disk store holding a few known series, with a
/// prometheus.yml that sets external labels (for <c>/federate</c> and <c>/status/config</c>).
/// </summary>
public sealed class ApiTestApp : IAsyncLifetime, IDisposable
{
    /// <summary>The first sample of <c>test_metric</c>: 2023-11-14T22:13:20Z.</summary>
    public const long T0 = 1_700_000_000_000;

    private readonly TempDirectory _work = new("sm-api-");

    public MonitoringAppFactory Factory { get; private set; } = null!;

    /// <summary>When the federated samples were written (close to now).</summary>
    public long FederateTimeMs { get; private set; }

    public async Task InitializeAsync()
    {
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  external_labels:\n    region: eu\nremote_write:\n  - url: http://127.0.0.1:1/write\n    basic_auth:\n      username: u\n      password: s3cr3t-password\n");
        Factory = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Storage:LocalPath"] = _work.Combine("data"),
                ["Scrape:ConfigFile"] = config,
                ["Scrape:Enabled"] = "false",
            },
        };

        var storage = await Factory.Services.GetRequiredService<StorageEngineAccessor>().GetAsync();

        // test_metric{job="a"|"b",instance="x"}: i at T0 + i*15s for 40 scrapes (job b: 2i).
        SeriesSamples Series(string job, double factor) => new(
            LabelSet.FromStrings("__name__", "test_metric", "instance", "x", "job", job),
            Enumerable.Range(0, 40).Select(i => new Sample(T0 + (i * 15_000), i * factor)).ToArray());
        await storage.IngestAsync(new SampleBatch("api-tests", [Series("a", 1), Series("b", 2)]));

        // Recent samples for /federate: the newest of each is within the lookback delta.
        FederateTimeMs = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() - 30_000;
        await storage.IngestAsync(new SampleBatch("api-tests-federate",
        [
            new(LabelSet.FromStrings("__name__", "federate_metric", "instance", "x", "job", "a"), [new Sample(FederateTimeMs - 15_000, 1), new Sample(FederateTimeMs, 1234567)]),
            new(LabelSet.FromStrings("__name__", "federate_metric", "job", "b", "path", "a\"b"), [new Sample(FederateTimeMs, 0.5)]),
            new(LabelSet.FromStrings("__name__", "federate_gone", "job", "a"), [new Sample(FederateTimeMs - 15_000, 1), new Sample(FederateTimeMs, BitConverter.UInt64BitsToDouble(StaleMarker.Bits))]),
            new(LabelSet.FromStrings("__name__", "another_metric", "job", "a"), [new Sample(FederateTimeMs, 2)]),
        ]));
    }

    public HttpClient CreateClient() => Factory.CreateClient();

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Factory?.Dispose();
        _work.Dispose();
    }
}
