using System.Net;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// Prometheus's safety defaults: without <c>--web.enable-lifecycle</c>, <c>/-/reload</c> and
/// <c>/-/quit</c> are refused (403) and without <c>--web.enable-remote-write-receiver</c> the
/// remote-write receiver is not there (404); and unknown paths get Go's 404 text. Each answer is
/// compared with a real Prometheus 2.42's.
/// </summary>
public sealed class SafetyDefaultsTests(SafetyDefaultsFixture fixture) : IClassFixture<SafetyDefaultsFixture>
{
    [Theory]
    [InlineData("POST", "/-/reload", HttpStatusCode.Forbidden, "Lifecycle API is not enabled.")]
    [InlineData("PUT", "/-/reload", HttpStatusCode.Forbidden, "Lifecycle API is not enabled.")]
    [InlineData("POST", "/-/quit", HttpStatusCode.Forbidden, "Lifecycle API is not enabled.")]
    [InlineData("PUT", "/-/quit", HttpStatusCode.Forbidden, "Lifecycle API is not enabled.")]
    [InlineData("GET", "/-/reload", HttpStatusCode.MethodNotAllowed, "Only POST or PUT requests allowed")]
    [InlineData("GET", "/-/quit", HttpStatusCode.MethodNotAllowed, "Only POST or PUT requests allowed")]
    [InlineData("GET", "/no/such/path", HttpStatusCode.NotFound, "404 page not found\n")]
    [InlineData("POST", "/no/such/path", HttpStatusCode.NotFound, "404 page not found\n")]
    [InlineData("GET", "/api/v1/no_such_endpoint", HttpStatusCode.NotFound, "404 page not found\n")]
    [InlineData("GET", "/no/such/file.txt", HttpStatusCode.NotFound, "404 page not found\n")]
    public async Task Answers_as_Prometheus_does(string method, string path, HttpStatusCode status, string body)
    {
        using var oursClient = fixture.Ours.CreateClient();
        var ours = await SendAsync(oursClient, method, path);
        using var prometheusClient = LoopbackHttp.CreateClient();
        prometheusClient.BaseAddress = fixture.Prometheus.BaseUri;
        var theirs = await SendAsync(prometheusClient, method, path);

        Assert.Equal((status, body, "text/plain; charset=utf-8"), theirs);
        Assert.Equal(theirs, ours);
    }

    [Fact]
    public async Task The_remote_write_receiver_is_not_found_and_names_the_flag()
    {
        using var oursClient = fixture.Ours.CreateClient();
        var ours = await SendAsync(oursClient, "POST", "/api/v1/write");
        using var prometheusClient = LoopbackHttp.CreateClient();
        prometheusClient.BaseAddress = fixture.Prometheus.BaseUri;
        var theirs = await SendAsync(prometheusClient, "POST", "/api/v1/write");

        // Prometheus 3's text; 2.42 still names the flag's predecessor, --enable-feature=remote-write-receiver.
        Assert.Equal((HttpStatusCode.NotFound, "remote write receiver needs to be enabled with --web.enable-remote-write-receiver\n", "text/plain; charset=utf-8"), ours);
        Assert.Equal((theirs.Status, theirs.ContentType), (ours.Status, ours.ContentType));
        Assert.StartsWith("remote write receiver needs to be enabled with --", theirs.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_refused_quit_leaves_the_server_running()
    {
        using var client = fixture.Ours.CreateClient();
        Assert.Equal(HttpStatusCode.Forbidden, (await SendAsync(client, "POST", "/-/quit")).Status);
        using var healthy = await client.GetAsync(new Uri("/-/healthy", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
    }

    private static async Task<(HttpStatusCode Status, string Body, string? ContentType)> SendAsync(HttpClient client, string method, string path)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), new Uri(path, UriKind.Relative));
        if (method != "GET")
        {
            request.Content = new ByteArrayContent([1, 2, 3]);
        }

        using var response = await client.SendAsync(request);
        return (response.StatusCode, await response.Content.ReadAsStringAsync(), response.Content.Headers.ContentType?.ToString());
    }
}
