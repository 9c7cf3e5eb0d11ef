using System.Net;
using System.Text.Json;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Scraping;

/// <summary><c>POST /-/reload</c>: a good file replaces the targets; a broken one keeps the running config and says why.</summary>
public sealed class ConfigReloadTests : IDisposable
{
    private readonly TempDirectory _work = new("sm-reload-");

    [Fact]
    public async Task A_bad_reload_keeps_the_running_config_and_a_good_one_replaces_it()
    {
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "scrape_configs:\n  - job_name: first\n    static_configs:\n      - targets: ['127.0.0.1:1']\n");
        await using var app = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Scrape:ConfigFile"] = config,
                ["Web:EnableLifecycle"] = "true",
                ["Storage:LocalPath"] = _work.Combine("data"),
            },
        };
        using var client = app.CreateClient();
        Assert.Equal(["first"], await PoolsAsync(client));

        await File.WriteAllTextAsync(config, "scrape_configs:\n  - job_name: second\n    scrape_interval: 1x\n");
        using var bad = await client.PostAsync(new Uri("/-/reload", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.InternalServerError, bad.StatusCode);
        var reason = await bad.Content.ReadAsStringAsync();
        Assert.StartsWith("failed to reload config: ", reason, StringComparison.Ordinal);
        Assert.Contains("prometheus.yml:3", reason, StringComparison.Ordinal);
        Assert.Equal(["first"], await PoolsAsync(client));

        await File.WriteAllTextAsync(config, "scrape_configs:\n  - job_name: second\n    static_configs:\n      - targets: ['127.0.0.1:2', '127.0.0.1:3']\n");
        using var good = await client.PostAsync(new Uri("/-/reload", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, good.StatusCode);
        Assert.Equal(["second", "second"], await PoolsAsync(client));
    }

    private static async Task<List<string>> PoolsAsync(HttpClient client)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync(new Uri("/api/v1/targets", UriKind.Relative)));
        return json.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray()
            .Select(t => t.GetProperty("scrapePool").GetString()!).ToList();
    }

    public void Dispose() => _work.Dispose();
}
