using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// Remote write and read with real Prometheus 2.42 peers: it remote-writes what it scrapes from a
/// real node_exporter to us, and remote-reads from us; bad payloads get 400 and store nothing.
/// </summary>
public sealed class RemoteStorageTests : IDisposable
{
    private readonly TempDirectory _work = new("sm-remote-");

    /// <summary>The app on a real loopback port (so Prometheus can reach it), ingesting in process.</summary>
    private async Task<(MonitoringAppFactory App, int Port)> StartAppAsync()
    {
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 15s\n");
        var port = FreePort.Get();
        var app = new MonitoringAppFactory
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
        return (app, port);
    }

    private static ByteArrayContent Body(byte[] bytes)
    {
        var content = new ByteArrayContent(bytes);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        content.Headers.ContentEncoding.Add("snappy");
        return content;
    }

    [Fact]
    public async Task A_write_is_stored_and_bad_payloads_get_400_and_store_nothing()
    {
        var (app, port) = await StartAppAsync();
        await using var _ = app;
        using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}") };
        var engine = await app.Services.GetRequiredService<StorageEngineAccessor>().GetAsync();

        SeriesSamples[] good =
        [
            new(LabelSet.FromStrings("__name__", "rw_test", "k", "a"), [new Sample(1_700_000_000_000, 1.5), new Sample(1_700_000_015_000, double.PositiveInfinity)]),
            new(LabelSet.FromStrings("__name__", "rw_test", "k", "b"), [new Sample(1_700_000_000_000, StaleMarker.Value)]),
        ];
        using (var response = await client.PostAsync(new Uri("/api/v1/write", UriKind.Relative), Body(RemoteWriteCodec.Encode(good))))
        {
            Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        }

        var stored = await WaitForAsync(engine, "rw_test", 2);
        Assert.Equal(StaleMarker.Bits, BitConverter.DoubleToUInt64Bits(stored.Single(s => s.Labels.Get("k") == "b").ToArray()[0].Value));
        Assert.Equal(double.PositiveInfinity, stored.Single(s => s.Labels.Get("k") == "a").ToArray()[1].Value);

        // Not snappy, truncated protobuf, and a request with one invalid series next to a valid one.
        var valid = new SeriesSamples(LabelSet.FromStrings("__name__", "rw_bad", "k", "ok"), [new Sample(1_700_000_000_000, 1)]);
        var invalidLabels = RemoteWriteCodec.EncodeProtobuf([valid, new SeriesSamples(LabelSet.FromStrings("__name__", "rw_bad", "k", "x"), [new Sample(1_700_000_000_000, 1)])]);
        var broken = invalidLabels.ToArray();
        var at = broken.AsSpan().LastIndexOf("x"u8);
        broken[at] = 0xff; // invalid UTF-8 in a label value
        foreach (var payload in new[] { "not snappy"u8.ToArray(), IronSnappy.Snappy.Encode(invalidLabels.AsSpan(0, invalidLabels.Length - 3)), IronSnappy.Snappy.Encode(broken) })
        {
            using var response = await client.PostAsync(new Uri("/api/v1/write", UriKind.Relative), Body(payload));
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.NotEmpty(await response.Content.ReadAsStringAsync());
        }

        await Task.Delay(500);
        Assert.Empty((await engine.SelectAsync([LabelMatcher.Equal("__name__", "rw_bad")], long.MinValue, long.MaxValue)).Series);
    }

    [Fact]
    public async Task Prometheus_remote_writes_what_it_scrapes_and_remote_reads_it_back()
    {
        var (app, port) = await StartAppAsync();
        await using var _ = app;
        using var exporter = await NodeExporterFixture.StartAsync();
        var engine = await app.Services.GetRequiredService<StorageEngineAccessor>().GetAsync();
        using var prometheus = await PrometheusFixture.StartAsync(new PrometheusOptions
        {
            ConfigYaml = $"""
                global:
                  scrape_interval: 1s
                scrape_configs:
                  - job_name: node
                    static_configs:
                      - targets: ['{exporter.ListenAddress}']
                remote_write:
                  - url: http://127.0.0.1:{port}/api/v1/write
                    queue_config:
                      batch_send_deadline: 500ms
                      min_backoff: 100ms
                """,
        });

        // Prometheus starts scraping after its first discovery update (about 5 s); wait until the
        // window [T-10s, T] holds several of its scrapes, then compare that window exactly.
        using var client = new HttpClient();
        long t;
        Dictionary<string, List<(long, double)>> theirs;
        var ready = DateTime.UtcNow.AddSeconds(60);
        do
        {
            await Task.Delay(1000);
            t = DateTimeOffset.UtcNow.AddSeconds(-2).ToUnixTimeMilliseconds();
            theirs = await RawSamplesAsync(client, prometheus.GetUri($"api/v1/query?query={Uri.EscapeDataString("node_cpu_seconds_total[10s]")}&time={(t / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)}"));
        }
        while ((theirs.Count == 0 || theirs.Values.Min(v => v.Count) < 5) && DateTime.UtcNow < ready);

        Assert.NotEmpty(theirs);
        var deadline = DateTime.UtcNow.AddSeconds(20);
        Dictionary<string, List<(long, double)>> ours;
        do
        {
            await Task.Delay(500);
            var selection = await engine.SelectAsync([LabelMatcher.Equal("__name__", "node_cpu_seconds_total")], t - 10_000 + 1, t);
            ours = selection.Series.ToDictionary(s => s.Labels.Without("__name__").ToString(), s => s.ToArray().Select(p => (p.TimestampMs, p.Value)).ToList());
        }
        while (!SameSamples(theirs, ours) && DateTime.UtcNow < deadline);
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), ours.Keys.Order(StringComparer.Ordinal));
        foreach (var (series, samples) in theirs)
        {
            Assert.Equal(samples, ours[series]);
        }

        // Our HTTP API answers the same raw samples as Prometheus's own.
        var viaApi = await RawSamplesAsync(client, new Uri($"http://127.0.0.1:{port}/api/v1/query?query={Uri.EscapeDataString("node_cpu_seconds_total[10s]")}&time={(t / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)}"));
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), viaApi.Keys.Order(StringComparer.Ordinal));
        foreach (var (series, samples) in theirs)
        {
            Assert.Equal(samples, viaApi[series]);
        }

        // A second Prometheus with nothing of its own reads our data through remote_read.
        using var reader = await PrometheusFixture.StartAsync(new PrometheusOptions
        {
            ConfigYaml = $"""
                remote_read:
                  - url: http://127.0.0.1:{port}/api/v1/read
                    read_recent: true
                """,
        });
        var read = await RawSamplesAsync(client, reader.GetUri($"api/v1/query?query={Uri.EscapeDataString("node_cpu_seconds_total[10s]")}&time={(t / 1000.0).ToString("0.000", CultureInfo.InvariantCulture)}"));
        Assert.Equal(theirs.Keys.Order(StringComparer.Ordinal), read.Keys.Order(StringComparer.Ordinal));
        foreach (var (series, samples) in theirs)
        {
            Assert.Equal(samples, read[series]);
        }
    }

    private static bool SameSamples(Dictionary<string, List<(long, double)>> a, Dictionary<string, List<(long, double)>> b) =>
        a.Count == b.Count && a.All(e => b.TryGetValue(e.Key, out var other) && e.Value.SequenceEqual(other));

    /// <summary>A matrix answer as series (labels without the name) → samples.</summary>
    private static async Task<Dictionary<string, List<(long, double)>>> RawSamplesAsync(HttpClient client, Uri uri)
    {
        using var json = JsonDocument.Parse(await client.GetStringAsync(uri));
        var result = new Dictionary<string, List<(long, double)>>(StringComparer.Ordinal);
        foreach (var series in json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray())
        {
            var labels = LabelSet.FromDictionary(series.GetProperty("metric").EnumerateObject()
                .Where(p => p.Name != "__name__")
                .Select(p => new KeyValuePair<string, string>(p.Name, p.Value.GetString()!)));
            result[labels.ToString()] = series.GetProperty("values").EnumerateArray()
                .Select(v => ((long)Math.Round(v[0].GetDouble() * 1000), double.Parse(v[1].GetString()!, CultureInfo.InvariantCulture)))
                .ToList();
        }

        return result;
    }

    private static async Task<IReadOnlyList<Core.Storage.Querying.StoredSeries>> WaitForAsync(StorageEngine engine, string name, int count)
    {
        var deadline = DateTime.UtcNow.AddSeconds(15);
        while (true)
        {
            var selection = await engine.SelectAsync([LabelMatcher.Equal("__name__", name)], long.MinValue, long.MaxValue);
            if (selection.Series.Count >= count || DateTime.UtcNow > deadline)
            {
                Assert.Equal(count, selection.Series.Count);
                return selection.Series;
            }

            await Task.Delay(100);
        }
    }

    public void Dispose() => _work.Dispose();
}
