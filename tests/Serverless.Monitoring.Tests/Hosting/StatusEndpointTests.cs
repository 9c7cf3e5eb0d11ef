using System.Net;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Tests.Hosting;

public class StatusEndpointTests(MonitoringAppFactory factory) : IClassFixture<MonitoringAppFactory>
{
    [Fact]
    public async Task Buildinfo_has_exactly_Prometheus_shape()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/api/v1/status/buildinfo", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = json.RootElement;
        Assert.Equal(["status", "data"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("success", root.GetProperty("status").GetString());
        var data = root.GetProperty("data");
        Assert.Equal(
            ["version", "revision", "branch", "buildUser", "buildDate", "goVersion"],
            data.EnumerateObject().Select(p => p.Name));
        Assert.All(data.EnumerateObject(), p =>
        {
            Assert.Equal(JsonValueKind.String, p.Value.ValueKind);
            Assert.False(string.IsNullOrWhiteSpace(p.Value.GetString()), p.Name);
        });
        Assert.Equal("0.1.0", data.GetProperty("version").GetString());
        Assert.Equal("dotnet" + Environment.Version, data.GetProperty("goVersion").GetString());
    }

    [Theory]
    [InlineData("GET")]
    [InlineData("HEAD")]
    public async Task Healthy_answers_200_with_our_name(string method)
    {
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(new HttpMethod(method), "/-/healthy");
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        if (method == "GET")
        {
            Assert.Equal("Serverless.Monitoring Server is Healthy.\n", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Ready_is_503_while_startup_work_holds_it_and_200_after()
    {
        using var client = factory.CreateClient();
        Assert.Equal("Serverless.Monitoring Server is Ready.\n", await client.GetStringAsync(new Uri("/-/ready", UriKind.Relative)));

        var readiness = factory.Services.GetRequiredService<ReadinessState>();
        using (readiness.Hold())
        {
            using var notReady = await client.GetAsync(new Uri("/-/ready", UriKind.Relative));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, notReady.StatusCode);
        }

        using var ready = await client.GetAsync(new Uri("/-/ready", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
    }

    [Fact]
    public void Readiness_starts_held_until_the_host_has_started()
    {
        var readiness = new ReadinessState();
        Assert.False(readiness.IsReady);
        var hold = readiness.Hold();
        readiness.MarkHostStarted();
        readiness.MarkHostStarted();
        Assert.False(readiness.IsReady);
        hold.Dispose();
        hold.Dispose();
        Assert.True(readiness.IsReady);
    }

    [Fact]
    public void Build_info_splits_the_informational_version()
    {
        var build = BuildInfo.FromAssembly(typeof(BuildInfo).Assembly);
        Assert.Equal("0.1.0", build.Version);
        Assert.DoesNotContain('+', build.Revision);
        Assert.StartsWith("dotnet", build.RuntimeVersion, StringComparison.Ordinal);
        Assert.Equal(BuildInfo.Unknown, BuildInfo.FromAssembly(typeof(object).Assembly).Branch);
    }
}
