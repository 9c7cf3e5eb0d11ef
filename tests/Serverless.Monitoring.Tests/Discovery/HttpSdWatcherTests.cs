using System.Text;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Discovery;

public sealed class HttpSdWatcherTests
{
    private volatile string _body = """[{"targets": ["127.0.0.1:9100", "127.0.0.1:9101"], "labels": {"env": "prod"}}]""";
    private volatile int _status = 200;
    private volatile string _contentType = "application/json";

    private LoopbackHttpServer Server() => new(async context =>
    {
        context.Response.StatusCode = _status;
        context.Response.ContentType = _contentType;
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(_body));
    });

    [Fact]
    public async Task Fetches_groups_labels_them_with_the_url_and_refreshes()
    {
        using var server = Server();
        var url = server.Url("/sd");
        await using var watcher = new HttpSdWatcher(new HttpSdConfig { Url = url, RefreshInterval = TimeSpan.FromMinutes(10) });
        var changes = 0;
        watcher.Changed += _ => changes++;
        await watcher.StartAsync();

        var group = Assert.Single(watcher.Current);
        Assert.Null(watcher.LastError);
        Assert.Equal(["127.0.0.1:9100", "127.0.0.1:9101"], group.Addresses);
        Assert.Equal("prod", group.Labels.Get("env"));
        Assert.Equal(url.AbsoluteUri, group.Labels.Get(HttpSdWatcher.UrlLabel));
        Assert.False(group.Labels.Contains(FileSdReader.FilePathLabel));
        Assert.Equal("600", Assert.Single(server.RequestHeaders)["X-Prometheus-Refresh-Interval-Seconds"]);

        // The same answer is no change; a new one is.
        await watcher.RefreshAsync();
        Assert.Equal(1, changes);
        _body = """[{"targets": ["127.0.0.1:9102"]}]""";
        await watcher.RefreshAsync();
        Assert.Equal(2, changes);
        Assert.Equal(["127.0.0.1:9102"], Assert.Single(watcher.Current).Addresses);

        // The targets become scrape targets like static ones.
        var config = PrometheusConfig.Load($"scrape_configs:\n  - job_name: sd\n    http_sd_configs:\n      - url: {url}\n").ScrapeConfigs[0];
        var target = Assert.Single(TargetBuilder.Build(config, watcher.Current).Active);
        Assert.Equal("http://127.0.0.1:9102/metrics", target.Url.AbsoluteUri);
        Assert.Equal(url.AbsoluteUri, target.DiscoveredLabels.Get(HttpSdWatcher.UrlLabel));
    }

    [Theory]
    [InlineData(500, "application/json", "[]", "server returned HTTP status 500 Internal Server Error")]
    [InlineData(200, "text/plain", "[]", "unsupported content type \"text/plain\"")]
    [InlineData(200, "application/json", "{\"targets\": []}", "cannot unmarshal object")]
    [InlineData(200, "application/json", "[{\"targets\": [\"a:1\"], \"extra\": 1}]", "unknown field")]
    public async Task A_failed_refresh_keeps_the_previous_groups_and_says_why(int status, string contentType, string body, string error)
    {
        using var server = Server();
        await using var watcher = new HttpSdWatcher(new HttpSdConfig { Url = server.Url("/sd"), RefreshInterval = TimeSpan.FromMinutes(10) });
        await watcher.StartAsync();
        var before = watcher.Current;

        (_status, _contentType, _body) = (status, contentType, body);
        await watcher.RefreshAsync();
        Assert.Contains(error, watcher.LastError, StringComparison.Ordinal);
        Assert.Same(before, watcher.Current);
    }
}
