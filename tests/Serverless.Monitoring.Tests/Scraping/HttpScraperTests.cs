using System.IO.Compression;
using System.Net;
using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Scraping;

public sealed class HttpScraperTests : IDisposable
{
    private readonly HttpClient _client = new(HttpScraper.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };

    private static ScrapeTarget Target(Uri url, TimeSpan? timeout = null) => new()
    {
        Job = "test",
        Url = url,
        Labels = LabelSet.FromStrings("instance", url.Authority, "job", "test"),
        Interval = TimeSpan.FromSeconds(15),
        Timeout = timeout ?? TimeSpan.FromSeconds(10),
        Headers = [new("Authorization", "Bearer secret-token")],
    };

    [Fact]
    public async Task Sends_Prometheus_headers_and_reads_a_gzipped_body()
    {
        const string body = "# TYPE a gauge\na 1\n";
        using var server = new LoopbackHttpServer(async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            context.Response.AddHeader("Content-Encoding", "gzip");
            using var buffer = new MemoryStream();
            await using (var gzip = new GZipStream(buffer, CompressionLevel.Fastest, leaveOpen: true))
            {
                await gzip.WriteAsync(Encoding.UTF8.GetBytes(body));
            }

            await context.Response.OutputStream.WriteAsync(buffer.ToArray());
        });

        using var response = await new HttpScraper(_client).ScrapeAsync(Target(server.Url("/metrics"), TimeSpan.FromSeconds(7.5)), CancellationToken.None);
        Assert.Null(response.Error);
        Assert.Equal(body, Encoding.UTF8.GetString(response.Body.Span));
        Assert.Equal("text/plain; version=0.0.4", response.ContentType);
        var headers = Assert.Single(server.RequestHeaders);
        Assert.Equal(ExpositionContentType.ScrapeAcceptHeader, headers["Accept"]);
        Assert.Contains("gzip", headers["Accept-Encoding"], StringComparison.Ordinal);
        Assert.Equal("7.5", headers["X-Prometheus-Scrape-Timeout-Seconds"]);
        Assert.Equal("Bearer secret-token", headers["Authorization"]);
    }

    [Fact]
    public async Task A_status_other_than_200_is_a_failure_worded_like_Prometheus()
    {
        using var server = new LoopbackHttpServer(context =>
        {
            context.Response.StatusCode = 503;
            return Task.CompletedTask;
        });
        using var response = await new HttpScraper(_client).ScrapeAsync(Target(server.Url()), CancellationToken.None);
        Assert.Equal("server returned HTTP status 503 Service Unavailable", response.Error);
    }

    [Fact]
    public async Task A_slow_target_fails_at_the_scrape_timeout()
    {
        using var server = new LoopbackHttpServer(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(5));
            context.Response.StatusCode = 200;
        });
        using var response = await new HttpScraper(_client).ScrapeAsync(Target(server.Url(), TimeSpan.FromMilliseconds(200)), CancellationToken.None);
        Assert.Equal("context deadline exceeded", response.Error);
    }

    [Fact]
    public async Task A_refused_connection_is_a_failure_not_an_exception()
    {
        var port = FreePort.Get();
        using var response = await new HttpScraper(_client).ScrapeAsync(Target(new Uri($"http://127.0.0.1:{port}/metrics")), CancellationToken.None);
        Assert.NotNull(response.Error);
        Assert.True(response.Body.IsEmpty);
    }

    [Fact]
    public async Task A_large_body_grows_the_buffer()
    {
        var body = string.Concat(Enumerable.Range(0, 50_000).Select(i => $"metric_{i} {i}\n"));
        using var server = new LoopbackHttpServer(async context =>
        {
            context.Response.StatusCode = (int)HttpStatusCode.OK;
            await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(body));
        });
        using var response = await new HttpScraper(_client).ScrapeAsync(Target(server.Url()), CancellationToken.None);
        Assert.Null(response.Error);
        Assert.Equal(body, Encoding.UTF8.GetString(response.Body.Span));
    }

    public void Dispose() => _client.Dispose();
}
