using System.Net;
using System.Net.Sockets;
using Azure.Messaging.EventHubs;
using Microsoft.Extensions.Configuration;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Tests.Storage.Conformance;

namespace Serverless.Monitoring.Tests.Adapters.Bus;

/// <summary>
/// The real SDK clients against a loopback listener that hangs up on every connection (the emulator form
/// of the connection string speaks plain AMQP to the host it names): they retry, each try a new
/// connection, then fail with an error naming the hub, and the consumer's checkpoint does not move.
/// </summary>
public sealed class EventHubsUnreachableTests : IDisposable
{
    private static readonly EventHubsRetryOptions FastRetry = new()
    {
        Mode = EventHubsRetryMode.Fixed,
        MaximumRetries = 2,
        Delay = TimeSpan.FromMilliseconds(20),
        TryTimeout = TimeSpan.FromSeconds(5),
    };

    private readonly LocalDiskProviderScope _scope = new();
    private readonly HangUpListener _listener = new();

    [Fact]
    public async Task Reading_an_unreachable_hub_is_retried_then_fails_the_run_naming_hub_and_namespace()
    {
        await using var source = EventHubsPartitionSource.Create(Settings(), FastRetry);
        var engine = await StorageEngine.OpenAsync(_scope.Provider);
        var checkpoints = _scope.Provider.GetTableStore("ehcheckpoints");
        var ingest = new EventHubsPartitionIngest(source, checkpoints, new IngestProcessor(engine));

        var error = await Assert.ThrowsAsync<EventHubsReadException>(() => ingest.RunAsync("0"));

        Assert.StartsWith(
            "Could not read the properties of event hub 'samples' partition 0 in namespace '127.0.0.1' (consumer group '$Default') after the client's retries: ",
            error.Message,
            StringComparison.Ordinal);
        Assert.EndsWith("The checkpoint stays at none: nothing read and not stored is acknowledged.", error.Message, StringComparison.Ordinal);
        Assert.True(_listener.Connections > FastRetry.MaximumRetries, $"{_listener.Connections} connection(s): not retried");
        Assert.Null(await checkpoints.GetAsync("samples:$Default", "0"));
    }

    [Fact]
    public async Task Sending_to_an_unreachable_hub_is_retried_then_fails_naming_the_hub()
    {
        await using var transport = EventHubsSampleTransport.Create(Settings(), FastRetry);

        var error = await Assert.ThrowsAsync<EventHubsException>(() => transport.SendAsync("target", [new byte[100]], default));

        Assert.Equal("samples", error.EventHubName);
        Assert.Contains("samples", error.Message, StringComparison.Ordinal);
        Assert.True(_listener.Connections > FastRetry.MaximumRetries, $"{_listener.Connections} connection(s): not retried");
    }

    public void Dispose()
    {
        _listener.Dispose();
        _scope.Dispose();
    }

    private EventHubsSettings Settings()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["EventHubConnection"] = $"Endpoint=sb://127.0.0.1:{_listener.Port};SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=not-a-real-key;UseDevelopmentEmulator=true",
        }).Build();
        var settings = EventHubsSettings.Resolve(configuration);
        Assert.Empty(settings.Problems());
        return settings;
    }

    /// <summary>Accepts connections on 127.0.0.1 and closes each at once, counting them.</summary>
    private sealed class HangUpListener : IDisposable
    {
        private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _loop;
        private int _connections;

        public HangUpListener()
        {
            _listener.Start();
            Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
            _loop = Task.Run(async () =>
            {
                while (!_stop.IsCancellationRequested)
                {
                    try
                    {
                        using var socket = await _listener.AcceptSocketAsync(_stop.Token);
                        Interlocked.Increment(ref _connections);
                    }
                    catch (Exception e) when (e is OperationCanceledException or SocketException or ObjectDisposedException)
                    {
                        return;
                    }
                }
            });
        }

        public int Port { get; }

        public int Connections => Volatile.Read(ref _connections);

        public void Dispose()
        {
            _stop.Cancel();
            _listener.Stop();
            _loop.Wait(TimeSpan.FromSeconds(5));
            _stop.Dispose();
        }
    }
}
