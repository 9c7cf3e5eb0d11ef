using System.Globalization;
using System.Net.Http.Headers;
using System.Text.Json;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Bus;

/// <summary>The codec against a real peer: Prometheus 2.42's remote_write sender and its remote-write receiver.</summary>
public sealed class PrometheusRemoteWriteTests
{
    [Fact]
    public async Task Decodes_what_Prometheus_remote_write_sends()
    {
        using var receiver = RecordingHttpServer.Start();
        var port = FreePort.Get();
        var options = new PrometheusOptions
        {
            Port = port,
            ConfigYaml = $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: self
                    static_configs:
                      - targets: ['127.0.0.1:{port}']
                remote_write:
                  - url: {receiver.BaseUri}receive
                    queue_config:
                      batch_send_deadline: 1s
                      max_samples_per_send: 200
                """,
        };
        using var prometheus = await PrometheusFixture.StartAsync(options);

        var withUp = await receiver.WaitForAsync(
            r => RemoteWriteCodec.Decode(r.Body).Series.Any(s => s.Labels.MetricName == "up"), TimeSpan.FromSeconds(90));

        Assert.Equal("POST", withUp.Method);
        Assert.Equal("/receive", withUp.PathAndQuery);
        Assert.Equal("snappy", withUp.Header("Content-Encoding"));
        Assert.Equal("application/x-protobuf", withUp.Header("Content-Type"));
        Assert.Equal("0.1.0", withUp.Header("X-Prometheus-Remote-Write-Version"));
        var up = RemoteWriteCodec.Decode(withUp.Body).Series.First(s => s.Labels.MetricName == "up");
        Assert.Equal("self", up.Labels.Get("job"));
        Assert.Equal($"127.0.0.1:{port}", up.Labels.Get("instance"));
        Assert.All(up.Samples, s => Assert.Equal(1.0, s.Value));
        Assert.All(up.Samples, s => Assert.InRange(s.TimestampMs, DateTimeOffset.UtcNow.AddMinutes(-5).ToUnixTimeMilliseconds(), DateTimeOffset.UtcNow.ToUnixTimeMilliseconds()));

        // Every body Prometheus sent decodes cleanly, with many series from its own /metrics.
        var all = receiver.Requests.Select(r => RemoteWriteCodec.Decode(r.Body)).ToList();
        Assert.All(all, d => Assert.Empty(d.Rejected));
        var names = all.SelectMany(d => d.Series).Select(s => s.Labels.MetricName).ToHashSet();
        Assert.Contains("scrape_duration_seconds", names);
        Assert.Contains("prometheus_build_info", names);
        Assert.True(names.Count > 50, $"only {names.Count} metric names");
    }

    [Fact]
    public async Task Prometheus_accepts_what_we_encode()
    {
        using var fixture = await PrometheusFixture.StartAsync();
        var t = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();
        SeriesSamples[] series =
        [
            new(LabelSet.FromStrings("__name__", "bus_peer_check", "case", "plain", "text", "ünïcödé \"quoted\""), [new Sample(t - 2000, 1), new Sample(t, 42.25)]),
            new(LabelSet.FromStrings("__name__", "bus_peer_check", "case", "negative infinity"), [new Sample(t, double.NegativeInfinity)]),
            new(LabelSet.FromStrings("__name__", "bus_peer_check", "case", "stale"), [new Sample(t - 2000, 7), new Sample(t, StaleMarker.Value)]),
        ];

        using var http = LoopbackHttp.CreateClient();
        using var content = new ByteArrayContent(RemoteWriteCodec.Encode(series));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");
        using var request = new HttpRequestMessage(HttpMethod.Post, fixture.GetUri("api/v1/write")) { Content = content };
        request.Headers.Add("X-Prometheus-Remote-Write-Version", "0.1.0");
        using var response = await http.SendAsync(request);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        var time = (t / 1000.0).ToString("F3", CultureInfo.InvariantCulture);
        var json = await http.GetStringAsync(fixture.GetUri($"api/v1/query?query=bus_peer_check&time={time}"));
        using var doc = JsonDocument.Parse(json);
        var results = doc.RootElement.GetProperty("data").GetProperty("result").EnumerateArray()
            .ToDictionary(r => r.GetProperty("metric").GetProperty("case").GetString()!, r => r);

        // The stale marker hides its series at t, so its bits reached Prometheus exactly.
        Assert.Equal(["negative infinity", "plain"], results.Keys.Order(StringComparer.Ordinal));
        Assert.Equal("42.25", results["plain"].GetProperty("value")[1].GetString());
        Assert.Equal("ünïcödé \"quoted\"", results["plain"].GetProperty("metric").GetProperty("text").GetString());
        Assert.Equal("-Inf", results["negative infinity"].GetProperty("value")[1].GetString());
    }
}
