using System.Net;
using System.Net.Http.Headers;
using Azure.Messaging.EventHubs;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Tests.Adapters.Bus;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// With <c>Scrape:Bus=EventHubs</c>, remote-written samples leave through the Event Hubs producer
/// (a mocked <see cref="Azure.Messaging.EventHubs.Producer.EventHubProducerClient"/>: there is no
/// service here), and the receiver answers 204 only once the hub has accepted them.
/// </summary>
public sealed class RemoteWriteToEventHubsTests : IDisposable
{
    private const string Namespace = "ns.servicebus.windows.net";

    private static readonly SeriesSamples[] Series = [new(LabelSet.FromStrings("__name__", "eh_test", "k", "v"), [new Sample(1_700_000_000_000, 42)])];

    private readonly TempDirectory _work = new("sm-rw-eh-");

    [Fact]
    public async Task A_remote_write_is_answered_only_after_the_hub_accepted_it()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var producer = new RecordingProducer { SendGate = gate.Task };
        await using var factory = await FactoryAsync();
        await using var app = WithProducer(factory, producer);
        using var client = app.CreateClient();

        var post = client.PostAsync(new Uri("/api/v1/write", UriKind.Relative), Body());
        await producer.SendStarted.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(200);
        Assert.False(post.IsCompleted, "answered before the send completed");
        Assert.Empty(producer.Sent);

        gate.SetResult();
        using var response = await post;

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var (key, bodies) = Assert.Single(producer.Sent);
        Assert.Equal("remote-write", key);
        var decoded = RemoteWriteCodec.Decode(Assert.Single(bodies));
        Assert.Equal(Series[0].Labels, Assert.Single(decoded.Series).Labels);
        Assert.Equal(42, decoded.Series[0].Samples[0].Value);
    }

    [Fact]
    public async Task A_send_that_fails_is_not_answered_with_success()
    {
        var producer = new RecordingProducer
        {
            Failure = new EventHubsException(isTransient: true, "samples", "The service was unreachable.", EventHubsException.FailureReason.ServiceCommunicationProblem),
        };
        await using var factory = await FactoryAsync();
        await using var app = WithProducer(factory, producer);
        using var client = app.CreateClient();

        HttpStatusCode? status = null;
        try
        {
            using var response = await client.PostAsync(new Uri("/api/v1/write", UriKind.Relative), Body());
            status = response.StatusCode;
        }
        catch (EventHubsException)
        {
            // The test server hands the unhandled exception to the client instead of a 500.
        }

        Assert.True(status is null or >= HttpStatusCode.InternalServerError, $"answered {status}");
        Assert.Empty(producer.Sent);
    }

    public void Dispose() => _work.Dispose();

    private static WebApplicationFactory<Program> WithProducer(MonitoringAppFactory factory, RecordingProducer producer) =>
        factory.WithWebHostBuilder(builder => builder.ConfigureTestServices(services =>
            services.AddSingleton(new EventHubsSampleTransport(producer, "samples", Namespace))));

    private async Task<MonitoringAppFactory> FactoryAsync()
    {
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 15s\n");
        return new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Scrape:ConfigFile"] = config,
                ["Web:EnableRemoteWriteReceiver"] = "true",
                ["Scrape:Bus"] = "EventHubs",

                // Checked at start like any setting; the test's producer replaces the client it names.
                ["EventHubConnection:fullyQualifiedNamespace"] = Namespace,
                ["Storage:LocalPath"] = _work.Combine("data"),
            },
        };
    }

    private static ByteArrayContent Body()
    {
        var body = new ByteArrayContent(RemoteWriteCodec.Encode(Series));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        return body;
    }
}
