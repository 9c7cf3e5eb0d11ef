using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>A real Prometheus 2.42 federates from our <c>/federate</c>, and its API then shows our series.</summary>
public sealed class FederationTests : IDisposable
{
    private readonly TempDirectory _work = new("sm-federate-");

    [Fact]
    public async Task Prometheus_federates_our_series()
    {
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 15s\n  external_labels:\n    site: ours\n");
        var port = FreePort.Get();
        await using var app = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Scrape:ConfigFile"] = config,
                ["Web:EnableRemoteWriteReceiver"] = "true",
                ["Storage:LocalPath"] = _work.Combine("data"),
                ["Web:ListenAddress"] = $"127.0.0.1:{port}",
            },
        };
        app.UseKestrel();
        app.StartServer();
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };

        // Fresh samples (federation serves the latest within the lookback), written through remote write.
        var now = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        SeriesSamples[] series =
        [
            new(LabelSet.FromStrings("__name__", "fed_requests_total", "job", "api", "instance", "a:1"), [new Sample(now - 1000, 17.25)]),
            new(LabelSet.FromStrings("__name__", "fed_requests_total", "job", "api", "instance", "b:1"), [new Sample(now - 1000, 3)]),
            new(LabelSet.FromStrings("__name__", "other_metric", "job", "api"), [new Sample(now - 1000, 1)]),
        ];
        using var body = new ByteArrayContent(RemoteWriteCodec.Encode(series));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using (var written = await client.PostAsync(new Uri("/api/v1/write", UriKind.Relative), body))
        {
            Assert.Equal(HttpStatusCode.NoContent, written.StatusCode);
        }

        using var prometheus = await PrometheusFixture.StartAsync(new PrometheusOptions
        {
            ConfigYaml = $$"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: federate
                    honor_labels: true
                    metrics_path: /federate
                    params:
                      'match[]': ['{__name__=~"fed_.*"}']
                    static_configs:
                      - targets: ['127.0.0.1:{{port}}']
                """,
        });

        var deadline = DateTime.UtcNow.AddSeconds(45);
        JsonElement result;
        using var prometheusClient = new HttpClient();
        do
        {
            await Task.Delay(1000);
            using var json = JsonDocument.Parse(await prometheusClient.GetStringAsync(prometheus.GetUri("api/v1/query?query=fed_requests_total")));
            result = json.RootElement.GetProperty("data").GetProperty("result").Clone();
        }
        while (result.GetArrayLength() < 2 && DateTime.UtcNow < deadline);

        var values = result.EnumerateArray().ToDictionary(
            r => r.GetProperty("metric").GetProperty("instance").GetString()!,
            r => (r.GetProperty("metric").GetProperty("job").GetString(), r.GetProperty("metric").GetProperty("site").GetString(), double.Parse(r.GetProperty("value")[1].GetString()!, CultureInfo.InvariantCulture)));
        Assert.Equal(("api", "ours", 17.25), values["a:1"]);
        Assert.Equal(("api", "ours", 3.0), values["b:1"]);

        using var others = JsonDocument.Parse(await prometheusClient.GetStringAsync(prometheus.GetUri("api/v1/query?query=other_metric")));
        Assert.Equal(0, others.RootElement.GetProperty("data").GetProperty("result").GetArrayLength());
    }

    public void Dispose() => _work.Dispose();
}
