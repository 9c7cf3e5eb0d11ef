using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// Ours and a real Prometheus 2.42, both with their defaults: the lifecycle API and the
/// remote-write receiver off.
/// </summary>
public sealed class SafetyDefaultsFixture : IAsyncLifetime, IDisposable
{
    private readonly TempDirectory _work = new("sm-safety-");

    public MonitoringAppFactory Ours { get; private set; } = null!;

    public PrometheusFixture Prometheus { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, PrometheusOptions.DefaultConfigYaml);
        Ours = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Scrape:ConfigFile"] = config,
                ["Scrape:Enabled"] = "false",
                ["Storage:LocalPath"] = _work.Combine("data"),
            },
        };
        Prometheus = await PrometheusFixture.StartAsync(new PrometheusOptions { EnableLifecycleAndRemoteWrite = false });
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        Prometheus?.Dispose();
        Ours?.Dispose();
        _work.Dispose();
    }
}
