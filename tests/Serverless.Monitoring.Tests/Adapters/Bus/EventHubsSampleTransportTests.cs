using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Tests.Bus;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.Bus;

/// <summary>
/// The Event Hubs REST transport against a loopback HTTP listener standing in for the service
/// (no Event Hubs emulator speaks REST): request shape, SAS header, partition key, batching,
/// retries.
/// </summary>
public sealed class EventHubsSampleTransportTests
{
    private const string KeyName = "send-only";
    private const string Key = "c2VjcmV0LWtleS10aGF0LWlzLXVzZWQtYXMtdGV4dA==";
    private const string Hub = "samples";

    private static EventHubsSampleTransport Transport(RecordingHttpServer server, EventHubsSendMode mode = EventHubsSendMode.SingleEvents, int maxRetries = 3) =>
        new(EventHubsConnection.WithSharedAccessKey(server.BaseUri, Hub, KeyName, Key), new EventHubsSampleTransportOptions
        {
            SendMode = mode,
            MaxRetries = maxRetries,
            Delay = TimeSpan.FromMilliseconds(10),
            MaxDelay = TimeSpan.FromMilliseconds(50),
            MaxConcurrentSends = 1,
        });

    [Fact]
    public async Task Single_events_are_posted_raw_with_sas_and_partition_key()
    {
        using var server = RecordingHttpServer.Start(_ => new RecordedResponse(201));
        var transport = Transport(server);
        var publisher = new SamplePublisher(transport);
        var scrape = BusTestData.Scrape(200);

        var before = DateTimeOffset.UtcNow;
        var result = await publisher.PublishAsync("node/localhost:9100", scrape);

        var request = Assert.Single(server.Requests);
        Assert.Equal(1, result.Messages);
        Assert.Equal("POST", request.Method);
        Assert.Equal($"/{Hub}/messages?timeout=60&api-version=2014-01", request.PathAndQuery);
        Assert.Equal("application/octet-stream", request.Header("Content-Type"));
        Assert.Equal("node/localhost:9100", JsonDocument.Parse(request.Header("BrokerProperties")!).RootElement.GetProperty("PartitionKey").GetString());
        AssertValidSas(request.Header("Authorization"), new Uri(server.BaseUri, Hub), before);
        Assert.Null(BusTestData.Difference(scrape, RemoteWriteCodec.Decode(request.Body).Series));
    }

    [Fact]
    public async Task Json_batches_stay_under_the_publication_limit_and_carry_every_message_once()
    {
        using var server = RecordingHttpServer.Start(_ => new RecordedResponse(201));
        var transport = Transport(server, EventHubsSendMode.JsonBatch);
        var random = new Random(5);
        var messages = Enumerable.Range(0, 7).Select(i =>
        {
            var body = new byte[i == 0 ? transport.MaxMessageBytes : 200_000 + (i * 1000)];
            random.NextBytes(body);
            return (ReadOnlyMemory<byte>)body;
        }).ToList();

        await transport.SendAsync("job/target", messages, default);

        Assert.True(server.Requests.Count is > 1 and < 7, $"{server.Requests.Count} requests");
        var received = new List<byte[]>();
        foreach (var request in server.Requests)
        {
            Assert.Equal("application/vnd.microsoft.servicebus.json", request.Header("Content-Type"));
            Assert.True(request.Body.Length <= 1 << 20, $"a batch of {request.Body.Length} bytes");
            foreach (var item in JsonDocument.Parse(request.Body).RootElement.EnumerateArray())
            {
                Assert.Equal("job/target", item.GetProperty("BrokerProperties").GetProperty("PartitionKey").GetString());
                received.Add(Convert.FromBase64String(item.GetProperty("Body").GetString()!));
            }
        }

        Assert.Equal(messages.Select(m => Convert.ToHexString(m.Span)).Order(), received.Select(Convert.ToHexString).Order());
    }

    [Fact]
    public async Task A_base64_batch_body_still_ingests()
    {
        // Should the service keep a JSON batch item's Body as text, ingest gets base64 text.
        var scrape = BusTestData.Scrape(30);
        var base64 = Encoding.ASCII.GetBytes(Convert.ToBase64String(RemoteWriteCodec.Encode(scrape)));
        using var scope = new Storage.Conformance.LocalDiskProviderScope();
        var engine = await Core.Storage.StorageEngine.OpenAsync(scope.Provider);

        var decoded = new IngestProcessor(engine).DecodeBody(base64);

        Assert.Null(BusTestData.Difference(scrape, decoded.Series));
    }

    public static TheoryData<int[], int> RetryCases => new()
    {
        { [503, 503, 201], 3 },
        { [429, 201], 2 },
        { [500, 201], 2 },
    };

    [Theory]
    [MemberData(nameof(RetryCases))]
    public async Task Transient_failures_are_retried(int[] statuses, int expectedRequests)
    {
        var n = 0;
        using var server = RecordingHttpServer.Start(_ =>
        {
            var status = statuses[Math.Min(Interlocked.Increment(ref n) - 1, statuses.Length - 1)];
            return new RecordedResponse(status, status == 429 ? new Dictionary<string, string> { ["Retry-After"] = "0" } : null);
        });

        await Transport(server).SendAsync("k", [new byte[] { 1, 2, 3 }], default);

        Assert.Equal(expectedRequests, server.Requests.Count);
        Assert.All(server.Requests, r => Assert.Equal([1, 2, 3], r.Body));
        // Every try is signed.
        Assert.All(server.Requests, r => Assert.StartsWith("SharedAccessSignature ", r.Header("Authorization"), StringComparison.Ordinal));
    }

    [Fact]
    public async Task Exhausted_retries_fail_with_the_last_status()
    {
        using var server = RecordingHttpServer.Start(_ => new RecordedResponse(503, Body: "ServerBusy"));

        var e = await Assert.ThrowsAsync<EventHubsSendException>(() => Transport(server, maxRetries: 2).SendAsync("k", [new byte[] { 1 }], default));

        Assert.Equal(503, e.Status);
        Assert.Contains("HTTP 503", e.Message, StringComparison.Ordinal);
        Assert.Contains("ServerBusy", e.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.Requests.Count);
    }

    [Fact]
    public async Task An_authorization_failure_is_not_retried()
    {
        using var server = RecordingHttpServer.Start(_ => new RecordedResponse(401, Body: "InvalidSignature"));

        var e = await Assert.ThrowsAsync<EventHubsSendException>(() => Transport(server).SendAsync("k", [new byte[] { 1 }], default));

        Assert.Equal(401, e.Status);
        Assert.Single(server.Requests);
    }

    [Fact]
    public async Task Messages_over_the_limit_are_refused_before_sending()
    {
        using var server = RecordingHttpServer.Start();
        var transport = Transport(server);

        await Assert.ThrowsAsync<ArgumentException>(() => transport.SendAsync("k", [new byte[transport.MaxMessageBytes + 1]], default));
        Assert.Empty(server.Requests);
    }

    [Fact]
    public void Long_partition_keys_are_hashed_to_a_valid_length()
    {
        var longKey = new string('k', 200);

        var key = JsonDocument.Parse(EventHubsSampleTransport.BrokerProperties(longKey)).RootElement.GetProperty("PartitionKey").GetString()!;

        Assert.Equal(64, key.Length);
        Assert.NotEqual(key, JsonDocument.Parse(EventHubsSampleTransport.BrokerProperties(longKey + "x")).RootElement.GetProperty("PartitionKey").GetString());
        Assert.Equal("a\"b", JsonDocument.Parse(EventHubsSampleTransport.BrokerProperties("a\"b")).RootElement.GetProperty("PartitionKey").GetString());
    }

    public static TheoryData<string, string?, string> ValidConnectionStrings => new()
    {
        { "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=abc=;EntityPath=hub1", null, "https://ns1.servicebus.windows.net/hub1" },
        { "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=abc=", "hub2", "https://ns1.servicebus.windows.net/hub2" },
        { "endpoint=sb://ns1.servicebus.windows.net;sharedaccesskeyname=k;sharedaccesskey=abc=;entitypath=hub1", "hub1", "https://ns1.servicebus.windows.net/hub1" },
    };

    [Theory]
    [MemberData(nameof(ValidConnectionStrings))]
    public void Connection_strings_parse(string connectionString, string? hub, string resource)
    {
        var connection = EventHubsConnection.Parse(connectionString, hub);

        Assert.Equal(resource, connection.ResourceUri.AbsoluteUri);
        Assert.Equal("k", connection.SharedAccessKeyName);
    }

    public static TheoryData<string, string?, string> InvalidConnectionStrings => new()
    {
        { "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=k;EntityPath=h", null, "SharedAccessKeyName and SharedAccessKey are required" },
        { "SharedAccessKeyName=k;SharedAccessKey=s;EntityPath=h", null, "Endpoint is missing" },
        { "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s", null, "no event hub" },
        { "Endpoint=sb://ns1.servicebus.windows.net/;SharedAccessKeyName=k;SharedAccessKey=s;EntityPath=a", "b", "EntityPath 'a' differs from the configured event hub 'b'" },
        { "Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey=SAS_KEY_VALUE;UseDevelopmentEmulator=true;", "h", "AMQP and Kafka only" },
        { "garbage", null, "expected name=value pairs" },
    };

    [Theory]
    [MemberData(nameof(InvalidConnectionStrings))]
    public void Invalid_connection_strings_say_what_is_wrong_without_the_key(string connectionString, string? hub, string expected)
    {
        var e = Assert.Throws<FormatException>(() => EventHubsConnection.Parse(connectionString, hub));

        Assert.Contains(expected, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("SAS_KEY_VALUE", e.Message, StringComparison.Ordinal);
    }

    /// <summary>Checks the token as the service would: recompute the HMAC over the sr and se it names.</summary>
    private static void AssertValidSas(string? header, Uri resource, DateTimeOffset notBefore)
    {
        Assert.NotNull(header);
        Assert.StartsWith("SharedAccessSignature ", header, StringComparison.Ordinal);
        var fields = header["SharedAccessSignature ".Length..].Split('&')
            .Select(p => p.Split('=', 2))
            .ToDictionary(p => p[0], p => p[1], StringComparer.Ordinal);
        Assert.Equal(["se", "sig", "skn", "sr"], fields.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(resource.AbsoluteUri, Uri.UnescapeDataString(fields["sr"]));
        Assert.Equal(KeyName, fields["skn"]);
        var expiry = long.Parse(fields["se"], CultureInfo.InvariantCulture);
        Assert.InRange(expiry, notBefore.AddMinutes(59).ToUnixTimeSeconds(), DateTimeOffset.UtcNow.AddMinutes(61).ToUnixTimeSeconds());
        using var hmac = new HMACSHA256(Encoding.UTF8.GetBytes(Key));
        var expected = Convert.ToBase64String(hmac.ComputeHash(Encoding.UTF8.GetBytes(fields["sr"] + "\n" + fields["se"])));
        Assert.Equal(expected, Uri.UnescapeDataString(fields["sig"]));
    }
}
