using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;
using static Serverless.Monitoring.Tests.Invocations.HostPayloads;

namespace Serverless.Monitoring.Tests.Invocations;

/// <summary>
/// The custom-handler invocation endpoints, fed the payloads the Functions host posts (timer,
/// Event Hubs batch, queue message, with the host's double-encoded strings), in memory: the
/// answers' Outputs, Logs and ReturnValue, and what landed in storage.
/// </summary>
public sealed class FunctionInvocationTests : IDisposable
{
    private readonly TempDirectory _work = new("sm-invoke-");

    private MonitoringAppFactory App(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Functions:CustomHandler"] = "true",
            ["Storage:Provider"] = "LocalDisk",
            ["Storage:LocalPath"] = _work.Combine("data"),
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        return new MonitoringAppFactory { Settings = all };
    }

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A snappy remote-write body with one series <paramref name="metric"/>{job="ingest"}, one sample a second from <paramref name="startMs"/>.</summary>
    private static byte[] WriteRequest(string metric, long startMs, params double[] values) => RemoteWriteCodec.Encode(
        [new SeriesSamples(LabelSet.FromStrings("__name__", metric, "job", "ingest"), [.. values.Select((v, i) => new Sample(startMs + (i * 1000L), v))])]);

    private static async Task<double[]> ValuesAsync(MonitoringAppFactory app, string metric)
    {
        var engine = await app.Services.GetRequiredService<StorageEngineAccessor>().GetAsync();
        var selection = await engine.SelectAsync([LabelMatcher.Equal("__name__", metric)], 0, long.MaxValue);
        return [.. selection.Series.SelectMany(s => s.ToArray()).Where(p => !p.IsStale).Select(p => p.Value)];
    }

    private static async Task AssertValuesAsync(MonitoringAppFactory app, string metric, params double[] expected) =>
        Assert.Equal(expected, await ValuesAsync(app, metric));

    [Theory]
    [InlineData(false, 404)]
    [InlineData(true, 200)]
    public async Task Invocation_endpoints_are_served_only_as_a_custom_handler(bool customHandler, int expected)
    {
        await using var app = App(new() { ["Functions:CustomHandler"] = customHandler ? "true" : "false" });
        using var client = app.CreateClient();
        using var content = new StringContent(Timer("Compact"), Encoding.UTF8, "application/json");
        using var response = await client.PostAsync(new Uri("/Compact", UriKind.Relative), content);
        Assert.Equal(expected, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("/Compact", "x-functions-key")]
    [InlineData("/Compact?code=abc", null)]
    [InlineData("/Scrape", "x-functions-key")]
    public async Task A_public_request_forwarded_by_the_Api_function_cannot_reach_an_invocation_endpoint(string path, string? keyHeader)
    {
        await using var app = App();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(path, UriKind.Relative))
        {
            Content = new StringContent(Timer("Compact"), Encoding.UTF8, "application/json"),
        };
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        if (keyHeader is not null)
        {
            request.Headers.Add(keyHeader, "a-function-key");
        }

        using var response = await client.SendAsync(request);
        Assert.Equal(404, (int)response.StatusCode);
    }

    [Fact]
    public async Task Forwarded_HTTP_requests_reach_the_ordinary_endpoints_as_a_custom_handler()
    {
        await using var app = App();
        using var client = app.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/api/v1/status/buildinfo", UriKind.Relative));
        request.Headers.Add("X-Azure-Functions-InvocationId", Guid.NewGuid().ToString());
        request.Headers.Add("X-Azure-Functions-HostVersion", "4.1040.0.0");
        request.Headers.Add("x-functions-key", "a-function-key");

        using var response = await client.SendAsync(request);

        Assert.Equal(200, (int)response.StatusCode);
        Assert.Contains("\"status\":\"success\"", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(EventHubsShape.Host)]
    [InlineData(EventHubsShape.PlainArrays)]
    [InlineData(EventHubsShape.NoMetadata)]
    public async Task Ingest_stores_an_Event_Hubs_batch_and_a_replayed_batch_adds_nothing(EventHubsShape shape)
    {
        await using var app = App();
        using var client = app.CreateClient();
        var start = NowMs - 60_000;
        var payload = EventHubsBatch([WriteRequest("eh_a", start, 1, 2), WriteRequest("eh_b", start, 3)], shape, partitionId: "3", firstSequenceNumber: 41);

        var first = await InvokeAsync(client, "Ingest", payload);
        Assert.True(first.Status == 200, first.ToString());
        Assert.Equal(System.Text.Json.JsonValueKind.Object, first.Outputs.ValueKind);
        Assert.Empty(first.Outputs.EnumerateObject());
        Assert.Equal(2, first.Number("Ingested"));
        Assert.Equal(3, first.Number("Samples"));
        Assert.True(first.Number("Blocks") >= 1, first.ToString());
        await AssertValuesAsync(app, "eh_a", 1.0, 2.0);
        await AssertValuesAsync(app, "eh_b", 3.0);

        // The event IDs come from the metadata (hub, partition, sequence number) when it is there.
        var fromMetadata = IngestProcessor.BatchIdFor([BusMessage.EventHubsId("samples", "3", 41), BusMessage.EventHubsId("samples", "3", 42)]);
        var batchId = first.ReturnValue.GetProperty("BatchId").GetString();
        if (shape == EventHubsShape.NoMetadata)
        {
            Assert.NotEqual(fromMetadata, batchId);
            Assert.Contains(first.Logs, l => l.Contains("identified by their content", StringComparison.Ordinal));
        }
        else
        {
            Assert.Equal(fromMetadata, batchId);
        }

        // The host redelivers a batch after a crash before its checkpoint: the replay stores nothing twice.
        var replay = await InvokeAsync(client, "Ingest", payload);
        Assert.True(replay.Status == 200, replay.ToString());
        Assert.Equal(batchId, replay.ReturnValue.GetProperty("BatchId").GetString());
        Assert.Equal(0, replay.Number("Blocks"));
        Assert.True(replay.Number("ReplayedBlocks") >= 1, replay.ToString());
        Assert.Contains(replay.Logs, l => l.Contains("a replay", StringComparison.Ordinal));
        await AssertValuesAsync(app, "eh_a", 1.0, 2.0);
        await AssertValuesAsync(app, "eh_b", 3.0);
    }

    [Fact]
    public async Task Ingest_leaves_out_an_event_that_is_not_remote_write_and_stores_the_rest()
    {
        await using var app = App();
        using var client = app.CreateClient();
        var payload = EventHubsBatch([WriteRequest("eh_good", NowMs - 5000, 7), "not a snappy body"u8.ToArray()], EventHubsShape.Host);

        var response = await InvokeAsync(client, "Ingest", payload);

        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(1, response.Number("Ingested"));
        Assert.Equal(1, response.Number("Undecodable"));
        Assert.Contains(response.Logs, l => l.StartsWith("warning: message eventhub:samples:3:42 ", StringComparison.Ordinal) && l.Contains("not a remote-write message", StringComparison.Ordinal));
        await AssertValuesAsync(app, "eh_good", 7.0);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task IngestQueue_stores_the_message_and_a_redelivery_adds_nothing(bool binaryDataType)
    {
        await using var app = App();
        using var client = app.CreateClient();
        var id = Guid.NewGuid().ToString();
        var text = Convert.ToBase64String(WriteRequest("queue_a", NowMs - 10_000, 5, 6));

        var first = await InvokeAsync(client, "IngestQueue", QueueMessage(text, id, dequeueCount: 1, binaryDataType));
        Assert.True(first.Status == 200, first.ToString());
        Assert.Equal(IngestProcessor.BatchIdFor([BusMessage.StorageQueueId("samples", id)]), first.ReturnValue.GetProperty("BatchId").GetString());
        Assert.Equal(2, first.Number("Samples"));
        await AssertValuesAsync(app, "queue_a", 5.0, 6.0);

        var again = await InvokeAsync(client, "IngestQueue", QueueMessage(text, id, dequeueCount: 2, binaryDataType));
        Assert.True(again.Status == 200, again.ToString());
        Assert.Equal(0, again.Number("Blocks"));
        Assert.Contains(again.Logs, l => l.Contains("delivery 2", StringComparison.Ordinal));
        await AssertValuesAsync(app, "queue_a", 5.0, 6.0);
    }

    [Fact]
    public async Task IngestQueue_copies_a_message_that_is_not_remote_write_to_the_poison_queue()
    {
        await using var app = App();
        using var client = app.CreateClient();
        var body = "definitely not snappy"u8.ToArray();

        var response = await InvokeAsync(client, "IngestQueue", QueueMessage(Convert.ToBase64String(body), Guid.NewGuid().ToString()));

        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(1, response.Number("Undecodable"));
        Assert.Contains(response.Logs, l => l.Contains("samples-poison", StringComparison.Ordinal));
        var poison = await app.Services.GetRequiredService<IStorageProvider>().GetQueue("samples-poison").ReceiveAsync(32, TimeSpan.FromMinutes(1));
        Assert.Equal(body, Assert.Single(poison).Body.ToArray());
    }

    [Theory]
    [InlineData("Compact", "this is not JSON", "not JSON")]
    [InlineData("Retention", "[1,2]", "must be a JSON object")]
    [InlineData("Ingest", """{"Data":{},"Metadata":{}}""", "no Data.events")]
    [InlineData("Ingest", """{"Data":{"events":"{\"a\":1}"}}""", "Data.events must be an array")]
    [InlineData("IngestQueue", """{"Data":{"other":"x"}}""", "no Data.message")]
    [InlineData("Scrape", """{"Data":[],"Metadata":{}}""", "Data must be a JSON object")]
    public async Task A_payload_of_the_wrong_shape_fails_with_500_and_Logs_saying_why(string function, string payload, string reason)
    {
        await using var app = App();
        using var client = app.CreateClient();

        var response = await InvokeAsync(client, function, payload);

        Assert.Equal(500, response.Status);
        var line = Assert.Single(response.Logs);
        Assert.StartsWith($"error: {function} failed: ", line, StringComparison.Ordinal);
        Assert.Contains(reason, line, StringComparison.Ordinal);
        Assert.Equal(System.Text.Json.JsonValueKind.Null, response.ReturnValue.ValueKind);
    }

    [Theory]
    [InlineData("InProcess")]
    [InlineData("StorageQueue")]
    public async Task Scrape_timer_scrapes_a_loopback_target_and_publishes_its_samples(string bus)
    {
        using var exporter = new LoopbackHttpServer(async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            await context.Response.OutputStream.WriteAsync("# TYPE fn_probe gauge\nfn_probe 42\n"u8.ToArray());
        });
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 2s
              scrape_timeout: 1900ms
            scrape_configs:
              - job_name: probe
                static_configs:
                  - targets: ['127.0.0.1:{exporter.Port}']
            """);
        await using var app = App(new() { ["Scrape:ConfigFile"] = config, ["Scrape:Bus"] = bus, ["Functions:ScrapePeriod"] = "2s" });
        using var client = app.CreateClient();

        var response = await InvokeAsync(client, "Scrape", Timer("Scrape"));

        Assert.True(response.Status == 200, response.ToString());
        Assert.Equal(1, response.Number("Targets"));
        Assert.Equal(1, response.Number("Scrapes"));
        Assert.Equal(0, response.Number("Down"));
        Assert.True(response.Number("Samples") >= 1, response.ToString());
        Assert.Single(exporter.RequestHeaders);
        Assert.Contains(response.Logs, l => l.Contains("1 of 1 targets scraped, 0 down", StringComparison.Ordinal));

        if (bus == "StorageQueue")
        {
            // Published to the queue: the IngestQueue trigger stores each message.
            var queue = app.Services.GetRequiredService<IStorageProvider>().GetQueue("samples");
            var messages = await queue.ReceiveAsync(32, TimeSpan.FromMinutes(1));
            Assert.NotEmpty(messages);
            Assert.Empty(await ValuesAsync(app, "fn_probe"));
            foreach (var message in messages)
            {
                var ingested = await InvokeAsync(client, "IngestQueue", QueueMessage(Convert.ToBase64String(message.Body.Span), message.Id, message.DequeueCount));
                Assert.True(ingested.Status == 200, ingested.ToString());
            }
        }
        else
        {
            // Nothing else reads the in-process bus of a custom handler: the tick stored the samples itself.
            Assert.True(response.Number("Stored") >= 2, response.ToString());
        }

        await AssertValuesAsync(app, "fn_probe", 42.0);
        await AssertValuesAsync(app, "up", 1.0);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task The_embedded_scrape_loop_runs_only_when_not_a_custom_handler(bool customHandler)
    {
        using var exporter = new LoopbackHttpServer(async context =>
            await context.Response.OutputStream.WriteAsync("fn_loop 1\n"u8.ToArray()));
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, $"""
            global:
              scrape_interval: 1s
              scrape_timeout: 900ms
            scrape_configs:
              - job_name: loop
                static_configs:
                  - targets: ['127.0.0.1:{exporter.Port}']
            """);
        await using var app = App(new() { ["Scrape:ConfigFile"] = config, ["Functions:CustomHandler"] = customHandler ? "true" : "false" });
        using var client = app.CreateClient();

        // Three scrape intervals: the embedded loop scrapes by then (allowing for a loaded machine), the custom handler never.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(customHandler ? 3 : 15);
        while (DateTime.UtcNow < deadline && exporter.RequestHeaders.IsEmpty)
        {
            await Task.Delay(100);
        }

        Assert.Equal(!customHandler, !exporter.RequestHeaders.IsEmpty);
    }

    [Fact]
    public async Task Compact_merges_the_blocks_of_an_ended_window_and_Retention_deletes_expired_ones()
    {
        await using var app = App(new() { ["Storage:RetentionTime"] = "15d" });
        using var client = app.CreateClient();
        var twoHours = (long)TimeSpan.FromHours(2).TotalMilliseconds;
        var window = ((NowMs - (long)TimeSpan.FromDays(1).TotalMilliseconds) / twoHours) * twoHours;
        var expiredAt = NowMs - (long)TimeSpan.FromDays(30).TotalMilliseconds;

        // Two batches in one ended two-hour window make two level-0 blocks; a third is past retention.
        foreach (var (body, sequence) in new[]
        {
            (WriteRequest("old_window", window + 600_000, 1), 1L),
            (WriteRequest("old_window", window + 1_200_000, 2), 2L),
            (WriteRequest("expired", expiredAt, 9), 3L),
        })
        {
            var ingested = await InvokeAsync(client, "Ingest", EventHubsBatch([body], EventHubsShape.Host, firstSequenceNumber: sequence));
            Assert.True(ingested.Status == 200, ingested.ToString());
            Assert.Equal(1, ingested.Number("Blocks"));
        }

        var compact = await InvokeAsync(client, "Compact", Timer("Compact"));
        Assert.True(compact.Status == 200, compact.ToString());
        Assert.True(compact.Number("MergedBlocks") >= 1, compact.ToString());
        await AssertValuesAsync(app, "old_window", 1.0, 2.0);

        await AssertValuesAsync(app, "expired", 9.0);
        var retention = await InvokeAsync(client, "Retention", Timer("Retention"));
        Assert.True(retention.Status == 200, retention.ToString());
        Assert.True(retention.Number("ExpiredBlocks") >= 1, retention.ToString());
        Assert.Empty(await ValuesAsync(app, "expired"));
        await AssertValuesAsync(app, "old_window", 1.0, 2.0);
        Assert.Contains(retention.Logs, l => l.StartsWith("deleted ", StringComparison.Ordinal) && l.Contains(" expired", StringComparison.Ordinal));
    }

    public void Dispose() => _work.Dispose();
}
