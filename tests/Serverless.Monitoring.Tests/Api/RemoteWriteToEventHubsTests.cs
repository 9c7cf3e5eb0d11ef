using System.Net;
using System.Net.Http.Headers;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>With <c>Scrape:Bus=EventHubs</c>, remote-written samples leave through the Event Hubs REST send API.</summary>
public sealed class RemoteWriteToEventHubsTests : IDisposable
{
    private readonly TempDirectory _work = new("sm-rw-eh-");

    [Fact]
    public async Task A_remote_write_is_published_to_the_configured_event_hub()
    {
        using var hub = RecordingHttpServer.Start(_ => new RecordedResponse(201));
        var config = _work.Combine("prometheus.yml");
        await File.WriteAllTextAsync(config, "global:\n  scrape_interval: 15s\n");
        await using var app = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Scrape:ConfigFile"] = config,
                ["Web:EnableRemoteWriteReceiver"] = "true",
                ["Scrape:Bus"] = "EventHubs",
                ["EventHubConnection"] = $"Endpoint={hub.BaseUri};SharedAccessKeyName=send;SharedAccessKey=c2VjcmV0",
                ["EventHubName"] = "samples",
                ["Storage:LocalPath"] = _work.Combine("data"),
            },
        };
        using var client = app.CreateClient();
        SeriesSamples[] series = [new(LabelSet.FromStrings("__name__", "eh_test", "k", "v"), [new Sample(1_700_000_000_000, 42)])];
        using var body = new ByteArrayContent(RemoteWriteCodec.Encode(series));
        body.Headers.ContentType = new MediaTypeHeaderValue("application/x-protobuf");
        using var response = await client.PostAsync(new Uri("/api/v1/write", UriKind.Relative), body);
        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);

        var sent = await hub.WaitForAsync(r => r.Method == "POST", TimeSpan.FromSeconds(10));
        Assert.StartsWith("/samples/messages", sent.PathAndQuery, StringComparison.Ordinal);
        Assert.StartsWith("SharedAccessSignature ", sent.Header("Authorization"), StringComparison.Ordinal);
        var decoded = RemoteWriteCodec.Decode(sent.Body);
        Assert.Equal(series[0].Labels, Assert.Single(decoded.Series).Labels);
        Assert.Equal(42, decoded.Series[0].Samples[0].Value);
    }

    public void Dispose() => _work.Dispose();
}
