using System.Text;
using System.Text.Json;
using Azure.Storage.Queues;
using Microsoft.AspNetCore.Http;
using Microsoft.Azure.Functions.Worker;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.FunctionApp;
using Serverless.Monitoring.Functions.Hosting;
using FunctionsWorkerHost = Serverless.Monitoring.Functions.Hosting.FunctionsWorkerHost;
using Serverless.Monitoring.Tests.Fixtures;
using QueueMessage = Azure.Storage.Queues.Models.QueueMessage;

namespace Serverless.Monitoring.Tests.FunctionApp;

/// <summary>
/// The function classes, created from the worker's services and called with what the Functions
/// host passes them (a <see cref="TimerInfo"/>, the queue message as the trigger reads it from the
/// queue, the HTTP request), on Azurite: what they answer and what lands in storage.
/// </summary>
public sealed class FunctionInvocationTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IDisposable
{
    private readonly TempDirectory _work = new("sm-functions-");

    private IHost App(Dictionary<string, string?>? settings = null)
    {
        var all = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["MonitoringStorage"] = azurite.ConnectionString,
            ["Scrape:Bus"] = "StorageQueue",
            ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
        };
        foreach (var (key, value) in settings ?? [])
        {
            all[key] = value;
        }

        if (!File.Exists(_work.Combine("prometheus.yml")))
        {
            File.WriteAllText(_work.Combine("prometheus.yml"), "scrape_configs: []\n");
        }

        var app = FunctionAppServices.Build(all);
        FunctionsWorkerHost.Validate(app.Services);
        return app;
    }

    private static long NowMs => DateTimeOffset.UtcNow.ToUnixTimeMilliseconds();

    /// <summary>A snappy remote-write body with one series <paramref name="metric"/>{job="fn"}, one sample a second from <paramref name="startMs"/>.</summary>
    private static byte[] WriteRequest(string metric, long startMs, params double[] values) => RemoteWriteCodec.Encode(
        [new SeriesSamples(LabelSet.FromStrings("__name__", metric, "job", "fn"), [.. values.Select((v, i) => new Sample(startMs + (i * 1000L), v))])]);

    private static async Task<double[]> ValuesAsync(IHost app, string metric)
    {
        var engine = await app.Services.GetRequiredService<StorageEngineAccessor>().GetAsync();
        var selection = await engine.SelectAsync([LabelMatcher.Equal("__name__", metric)], 0, long.MaxValue);
        return [.. selection.Series.SelectMany(s => s.ToArray()).Where(p => !p.IsStale).Select(p => p.Value)];
    }

    private static async Task AssertValuesAsync(IHost app, string metric, params double[] expected) =>
        Assert.Equal(expected, await ValuesAsync(app, metric));

    /// <summary>
    /// The messages on the bus queue as the queue trigger gets them (with messageEncoding none: the
    /// text as stored), taken off the queue as the host does once their invocations succeed, so no
    /// test sees another's.
    /// </summary>
    private async Task<IReadOnlyList<QueueMessage>> ReceiveAsync(string queue = IngestFunction.QueueName)
    {
        // The service version Azurite accepts (the SDK's newest is ahead of it), as our adapter pins.
        var client = new QueueClient(azurite.ConnectionString, queue, new QueueClientOptions(QueueClientOptions.ServiceVersion.V2024_11_04));
        await client.CreateIfNotExistsAsync();
        var received = (await client.ReceiveMessagesAsync(32, TimeSpan.FromSeconds(30))).Value;
        foreach (var message in received)
        {
            await client.DeleteMessageAsync(message.MessageId, message.PopReceipt);
        }

        return received;
    }

    private static async Task<(int Status, string Body)> HttpAsync<TFunction>(IHost app, Func<TFunction, HttpRequest, Task> run, string method, string pathAndQuery, byte[]? body = null)
    {
        using var scope = app.Services.CreateScope();
        var context = new DefaultHttpContext { RequestServices = scope.ServiceProvider };
        var uri = new Uri("http://127.0.0.1" + pathAndQuery);
        context.Request.Method = method;
        context.Request.Scheme = "http";
        context.Request.Host = new HostString("127.0.0.1");
        context.Request.Path = uri.AbsolutePath;
        context.Request.QueryString = new QueryString(uri.Query);
        if (body is not null)
        {
            context.Request.Body = new MemoryStream(body);
            context.Request.ContentLength = body.Length;
            context.Request.ContentType = "application/x-protobuf";
            context.Request.Headers.ContentEncoding = "snappy";
        }

        using var response = new MemoryStream();
        context.Response.Body = response;
        await run(app.Create<TFunction>(), context.Request);
        return (context.Response.StatusCode, Encoding.UTF8.GetString(response.ToArray()));
    }

    [Fact]
    public async Task Scrape_publishes_a_loopback_target_s_samples_and_Ingest_stores_them_once()
    {
        using var exporter = new LoopbackHttpServer(async context =>
        {
            context.Response.ContentType = "text/plain; version=0.0.4";
            await context.Response.OutputStream.WriteAsync("# TYPE fn_probe gauge\nfn_probe 42\n"u8.ToArray());
        });
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), $"""
            global:
              scrape_interval: 15s
              scrape_timeout: 5s
            scrape_configs:
              - job_name: probe
                static_configs:
                  - targets: ['127.0.0.1:{exporter.Port}']
            """);
        using var app = App();

        await app.Create<ScrapeFunction>().RunAsync(new TimerInfo(), CancellationToken.None);

        Assert.Single(exporter.RequestHeaders);
        var messages = await ReceiveAsync();
        Assert.NotEmpty(messages);
        Assert.Empty(await ValuesAsync(app, "fn_probe"));
        foreach (var message in messages)
        {
            await app.Create<IngestFunction>().RunAsync(message, CancellationToken.None);
        }

        await AssertValuesAsync(app, "fn_probe", 42.0);
        await AssertValuesAsync(app, "up", 1.0);

        // The host redelivers a message whose invocation it thinks failed: the replay adds nothing.
        await app.Create<IngestFunction>().RunAsync(messages[0], CancellationToken.None);
        await AssertValuesAsync(app, "fn_probe", 42.0);
        var runs = app.Services.GetRequiredService<Core.Instrumentation.MetricRegistry>();
        Assert.Contains("job_runs_total{job=\"Scrape\",outcome=\"success\"} 1", Exposition(runs), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ingest_fails_the_invocation_when_storage_fails_so_the_host_delivers_again()
    {
        using var app = App(new() { ["MonitoringStorage"] = "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;AccountKey=" + AzuriteFixture.DevelopmentAccountKey
            + $";BlobEndpoint=http://127.0.0.1:{FreePort.Get()}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{FreePort.Get()}/devstoreaccount1;TableEndpoint=http://127.0.0.1:{FreePort.Get()}/devstoreaccount1;" });
        var body = Convert.ToBase64String(WriteRequest("fn_unreachable", NowMs, 1));
        var message = Azure.Storage.Queues.Models.QueuesModelFactory.QueueMessage("m-1", "r-1", BinaryData.FromString(body), 1);

        await Assert.ThrowsAnyAsync<Exception>(() => app.Create<IngestFunction>().RunAsync(message, CancellationToken.None));
    }

    [Fact]
    public async Task Ingest_copies_a_message_that_is_not_remote_write_to_the_poison_queue()
    {
        using var app = App();
        var body = "definitely not snappy"u8.ToArray();
        var message = Azure.Storage.Queues.Models.QueuesModelFactory.QueueMessage(Guid.NewGuid().ToString(), "r", BinaryData.FromString(Convert.ToBase64String(body)), 1);

        await app.Create<IngestFunction>().RunAsync(message, CancellationToken.None);

        var poison = await app.Services.GetRequiredService<IStorageProvider>().GetQueue("samples-poison").ReceiveAsync(32, TimeSpan.FromMinutes(1));
        Assert.Equal(Convert.ToBase64String(body), Convert.ToBase64String(Assert.Single(poison).Body.ToArray()));
    }

    [Fact]
    public async Task RemoteWrite_answers_after_the_samples_are_on_the_bus_and_Api_serves_them_on_Prometheus_s_paths()
    {
        using var app = App(new() { ["Web:EnableRemoteWriteReceiver"] = "true" });
        var at = NowMs - 5_000;
        var written = await HttpAsync<RemoteWriteFunction>(app, (f, r) => f.RunAsync(r), "POST", "/api/v1/write", RemoteWriteCodec.Encode(
            [new SeriesSamples(LabelSet.FromStrings("__name__", "fn_written", "job", "fn"), [new Sample(at, 7)])]));
        Assert.True(written.Status == 204, $"{written.Status}: {written.Body}");

        foreach (var message in await ReceiveAsync())
        {
            await app.Create<IngestFunction>().RunAsync(message, CancellationToken.None);
        }

        var query = await HttpAsync<ApiFunction>(app, (f, r) => f.RunAsync(r), "GET", "/api/v1/query?query=fn_written&time=" + ((at / 1000.0) + 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.True(query.Status == 200, $"{query.Status}: {query.Body}");
        using var json = JsonDocument.Parse(query.Body);
        var result = Assert.Single(json.RootElement.GetProperty("data").GetProperty("result").EnumerateArray());
        Assert.Equal("7", result.GetProperty("value")[1].GetString());

        var healthy = await HttpAsync<ApiFunction>(app, (f, r) => f.RunAsync(r), "GET", "/-/healthy");
        Assert.Equal(200, healthy.Status);
        var bad = await HttpAsync<ApiFunction>(app, (f, r) => f.RunAsync(r), "GET", "/api/v1/query?query=sum(");
        Assert.Equal(400, bad.Status);
        Assert.Contains("\"errorType\":\"bad_data\"", bad.Body, StringComparison.Ordinal);
        var unknown = await HttpAsync<ApiFunction>(app, (f, r) => f.RunAsync(r), "GET", "/no/such/path");
        Assert.Equal((404, "404 page not found\n"), unknown);
    }

    [Fact]
    public async Task The_Api_function_answers_ready_once_the_worker_has_started()
    {
        using var app = App();
        Assert.Equal(503, (await HttpAsync<ApiFunction>(app, (f, r) => f.RunAsync(r), "GET", "/-/ready")).Status);

        await app.StartAsync();
        Assert.Equal(200, (await HttpAsync<ApiFunction>(app, (f, r) => f.RunAsync(r), "GET", "/-/ready")).Status);
        await app.StopAsync();
    }

    [Fact]
    public async Task RemoteWrite_is_refused_unless_the_receiver_is_enabled_as_upstream()
    {
        using var app = App();
        var refused = await HttpAsync<RemoteWriteFunction>(app, (f, r) => f.RunAsync(r), "POST", "/api/v1/write", RemoteWriteCodec.Encode(
            [new SeriesSamples(LabelSet.FromStrings("__name__", "fn_refused"), [new Sample(NowMs, 1)])]));
        Assert.Equal(404, refused.Status);
        Assert.Contains("--web.enable-remote-write-receiver", refused.Body, StringComparison.Ordinal);
        Assert.Empty(await ReceiveAsync());
    }

    [Fact]
    public async Task Compact_and_Retention_run_their_jobs_on_the_timers()
    {
        using var app = App(new() { ["Storage:RetentionTime"] = "15d" });
        var twoHours = (long)TimeSpan.FromHours(2).TotalMilliseconds;
        var window = ((NowMs - (long)TimeSpan.FromDays(1).TotalMilliseconds) / twoHours) * twoHours;
        var expiredAt = NowMs - (long)TimeSpan.FromDays(30).TotalMilliseconds;
        var runner = app.Services.GetRequiredService<JobRunner>();
        var ingest = app.Services.GetRequiredService<IngestJob>();

        // Two batches in one ended two-hour window make two level-0 blocks; a third is past retention.
        var batches = new[] { WriteRequest("fn_window", window + 600_000, 1), WriteRequest("fn_window", window + 1_200_000, 2), WriteRequest("fn_expired", expiredAt, 9) };
        for (var i = 0; i < batches.Length; i++)
        {
            var outcome = await runner.RunAsync(ingest, [new BusMessage($"test:{Guid.NewGuid()}", batches[i])]);
            Assert.Equal(1, outcome.Stored!.Blocks);
        }

        var functions = app.Create<MaintenanceFunctions>();
        await functions.CompactAsync(new TimerInfo(), CancellationToken.None);
        await AssertValuesAsync(app, "fn_window", 1.0, 2.0);
        await AssertValuesAsync(app, "fn_expired", 9.0);

        await functions.RetentionAsync(new TimerInfo(), CancellationToken.None);
        Assert.Empty(await ValuesAsync(app, "fn_expired"));
        await AssertValuesAsync(app, "fn_window", 1.0, 2.0);
        var exposition = Exposition(app.Services.GetRequiredService<Core.Instrumentation.MetricRegistry>());
        Assert.Contains("job_runs_total{job=\"Compact\",outcome=\"success\"} 1", exposition, StringComparison.Ordinal);
        Assert.Contains("job_runs_total{job=\"Retention\",outcome=\"success\"} 1", exposition, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Scrape:Bus", "InProcess", "Scrape:Bus is InProcess")]
    [InlineData("Scrape:QueueName", "other", "Scrape:QueueName is 'other'")]
    [InlineData("Storage:Connection", "OtherStorage", "Storage:Connection is 'OtherStorage'")]
    [InlineData("Alertmanager:ConfigFile", "alertmanager.yml", "the function app does not route alerts yet")]
    public void The_worker_refuses_settings_its_triggers_cannot_honour_naming_the_setting(string key, string value, string message)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Storage:Provider"] = "AzureStorage",
            ["MonitoringStorage"] = azurite.ConnectionString,
            ["OtherStorage"] = azurite.ConnectionString,
            ["Scrape:Bus"] = "StorageQueue",
            ["Scrape:ConfigFile"] = Path.Combine(AppContext.BaseDirectory, "prometheus.yml"),
            [key] = value,
        };
        using var app = FunctionAppServices.Build(settings);
        var error = Assert.Throws<OptionsValidationException>(() => FunctionsWorkerHost.Validate(app.Services));
        Assert.Contains(message, error.Message, StringComparison.Ordinal);
    }

    private static string Exposition(Core.Instrumentation.MetricRegistry registry)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public void Dispose() => _work.Dispose();
}
