using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using Azure.Core.Pipeline;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

public sealed class AzureStorageErrorMappingTests
{
    private static readonly AzureStorageClientOptions Fast = new()
    {
        MaxRetries = 2,
        Delay = TimeSpan.FromMilliseconds(1),
        MaxDelay = TimeSpan.FromMilliseconds(5),
        NetworkTimeout = TimeSpan.FromSeconds(10),
    };

    private static AzureStorageProvider Provider(FakeStorageServer server) =>
        AzureStorageProvider.FromConnectionString(server.ConnectionString, Fast);

    [Fact]
    public async Task ServerBusy_503_is_retried_then_throttled()
    {
        using var server = new FakeStorageServer(_ => FakeReply.XmlError(503, "ServerBusy", "The server is currently unable to receive requests."));
        var ex = await Assert.ThrowsAsync<StorageThrottledException>(
            () => Provider(server).GetBlobStore("cont").GetAsync("b"));
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal("ServerBusy", ex.ErrorCode);
        Assert.Contains("HTTP 503 ServerBusy: The server is currently unable to receive requests.", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("RequestId", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Status_429_is_retried_then_throttled()
    {
        using var server = new FakeStorageServer(_ => FakeReply.JsonError(429, "TooManyRequests", "Slow down."));
        var ex = await Assert.ThrowsAsync<StorageThrottledException>(
            () => Provider(server).GetTableStore("tbl").GetAsync("p", "r"));
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal("TooManyRequests", ex.ErrorCode);
    }

    [Theory]
    [InlineData(408)]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Transient_failures_are_retried_until_success(int status)
    {
        using var server = new FakeStorageServer(i => i < 2 ? FakeReply.XmlError(status, "InternalError", "Try again.") : FakeReply.Created);
        var put = await Provider(server).GetBlobStore("cont").PutAsync("b", new MemoryStream([1, 2]));
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal("\"0x1\"", put.ETag);
        Assert.Equal(2, put.Length);
    }

    [Fact]
    public async Task Persistent_500_is_unavailable()
    {
        using var server = new FakeStorageServer(_ => FakeReply.XmlError(500, "InternalError", "Oops."));
        var ex = await Assert.ThrowsAsync<StorageUnavailableException>(() => Provider(server).GetQueue("qq1").SendAsync(new byte[] { 1 }));
        Assert.Equal(3, server.Requests.Count);
        Assert.Equal("InternalError", ex.ErrorCode);
    }

    [Fact]
    public async Task Status_412_is_a_precondition_failure_or_a_conflict_for_create_only()
    {
        using var server = new FakeStorageServer(_ => FakeReply.XmlError(412, "ConditionNotMet", "The condition specified using HTTP conditional header(s) is not met."));
        var store = Provider(server).GetBlobStore("cont");
        var ex = await Assert.ThrowsAsync<StoragePreconditionFailedException>(
            () => store.PutAsync("b", new MemoryStream([1]), StorageCondition.Match("\"0x9\"")));
        Assert.Equal("ConditionNotMet", ex.ErrorCode);
        Assert.Contains("Put blob 'cont/b' failed: HTTP 412 ConditionNotMet", ex.Message, StringComparison.Ordinal);
        await Assert.ThrowsAsync<StorageConflictException>(() => store.PutAsync("b", new MemoryStream([1]), StorageCondition.CreateOnly));
        await Assert.ThrowsAsync<StoragePreconditionFailedException>(() => store.DeleteAsync("b", StorageCondition.Match("\"0x9\"")));
        Assert.Equal(3, server.Requests.Count); // No retries.

        var sent = server.Requests.ToArray();
        Assert.Equal("\"0x9\"", sent[0].Headers["If-Match"]);
        Assert.Equal("*", sent[1].Headers["If-None-Match"]);
    }

    [Fact]
    public async Task Status_409_is_a_conflict_and_404_not_found_with_the_service_code_and_message()
    {
        using var server = new FakeStorageServer(i => i == 0
            ? FakeReply.JsonError(409, "EntityAlreadyExists", "The specified entity already exists.")
            : FakeReply.XmlError(404, "BlobNotFound", "The specified blob does not exist."));
        var conflict = await Assert.ThrowsAsync<StorageConflictException>(
            () => Provider(server).GetTableStore("tbl").InsertAsync(new TableEntity("p", "r")));
        Assert.Equal("EntityAlreadyExists", conflict.ErrorCode);
        Assert.Contains("The specified entity already exists.", conflict.Message, StringComparison.Ordinal);

        var missing = await Assert.ThrowsAsync<StorageNotFoundException>(() => Provider(server).GetBlobStore("cont").GetAsync("b"));
        Assert.Equal("BlobNotFound", missing.ErrorCode);
        Assert.Contains("Get blob 'cont/b' failed: HTTP 404 BlobNotFound: The specified blob does not exist.", missing.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(400, "InvalidHeaderValue")]
    [InlineData(413, "RequestBodyTooLarge")]
    [InlineData(403, "AuthenticationFailed")]
    public async Task Client_errors_are_request_errors_and_not_retried(int status, string code)
    {
        using var server = new FakeStorageServer(_ => FakeReply.XmlError(status, code, "Bad request."));
        var ex = await Assert.ThrowsAsync<StorageRequestException>(() => Provider(server).GetQueue("qq1").SendAsync(new byte[] { 1 }));
        Assert.Single(server.Requests);
        Assert.Equal(code, ex.ErrorCode);
        Assert.Contains($"HTTP {status} {code}: Bad request.", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Requests_escape_the_name_carry_the_condition_and_the_pinned_version_and_are_signed()
    {
        using var server = new FakeStorageServer(_ => FakeReply.Created);
        await Provider(server).GetBlobStore("cont").PutAsync("dir/it's ü", new MemoryStream([1, 2, 3]), StorageCondition.CreateOnly);
        var request = Assert.Single(server.Requests);
        Assert.Equal("PUT", request.Method);
        var path = request.RawUrl.Split('?')[0];
        Assert.DoesNotContain(" ", path, StringComparison.Ordinal);
        Assert.Equal("/devstoreaccount1/cont/dir/it's ü", Uri.UnescapeDataString(path));
        Assert.Equal("*", request.Headers["If-None-Match"]);
        Assert.Equal("BlockBlob", request.Headers["x-ms-blob-type"]);
        Assert.Equal([1, 2, 3], request.Body);
        // Azurite 3.32 and later accept this version; the SDKs' newest is refused by older ones.
        Assert.Equal("2024-11-04", request.Headers["x-ms-version"]);
        // The SDK signs with the account key; Azurite checks the signatures in the Azurite-backed tests.
        Assert.StartsWith("SharedKey devstoreaccount1:", request.Headers["Authorization"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Leading_and_trailing_slashes_of_a_name_are_sent_as_they_are()
    {
        using var server = new FakeStorageServer(_ => FakeReply.Created);
        var store = Provider(server).GetBlobStore("cont");
        await store.PutAsync("dir/", new MemoryStream([1]));
        await store.PutAsync("/rooted", new MemoryStream([2]));
        Assert.Equal(["/devstoreaccount1/cont/dir/", "/devstoreaccount1/cont//rooted"], server.Requests.Select(r => r.RawUrl.Split('?')[0]));
    }

    [Fact]
    public async Task Closed_port_retries_then_reports_the_endpoint_as_unavailable()
    {
        var port = FreePort.Get(); // Nothing listens here any more.
        var provider = AzureStorageProvider.FromConnectionString(
            "DefaultEndpointsProtocol=http;AccountName=devstoreaccount1;" +
            "AccountKey=Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==;" +
            $"BlobEndpoint=http://127.0.0.1:{port}/devstoreaccount1;QueueEndpoint=http://127.0.0.1:{port}/devstoreaccount1;" +
            $"TableEndpoint=http://127.0.0.1:{port}/devstoreaccount1", Fast);

        var watch = Stopwatch.StartNew();
        var blob = await Assert.ThrowsAsync<StorageUnavailableException>(() => provider.GetBlobStore("cont").GetPropertiesAsync("b"));
        Assert.Contains($"http://127.0.0.1:{port}/devstoreaccount1", blob.Message, StringComparison.Ordinal);
        Assert.Contains("3 tries", blob.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("Eby8vdM02xNOcqFl", blob.Message, StringComparison.Ordinal);
        // Azure.Core's retry policy reports every failed try.
        Assert.Equal(3, Assert.IsType<AggregateException>(blob.InnerException).InnerExceptions.Count);

        await Assert.ThrowsAsync<StorageUnavailableException>(() => provider.GetTableStore("tbl").CreateIfNotExistsAsync());
        await Assert.ThrowsAsync<StorageUnavailableException>(() => provider.GetQueue("qq1").ReceiveAsync(1, TimeSpan.FromSeconds(1)));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"Fast retries took {watch.Elapsed}.");
    }

    [Fact]
    public async Task A_try_that_exceeds_the_network_timeout_is_retried()
    {
        using var handler = new SlowFirstTryHandler();
        using var http = new HttpClient(handler);
        var options = Fast with { NetworkTimeout = TimeSpan.FromMilliseconds(200), Transport = new HttpClientTransport(http) };
        var provider = AzureStorageProvider.FromConnectionString("UseDevelopmentStorage=true", options);

        var properties = await provider.GetBlobStore("cont").GetPropertiesAsync("b");
        Assert.NotNull(properties);
        Assert.Equal(5, properties.Length);
        Assert.Equal(2, handler.Calls);
    }

    [Fact]
    public async Task Caller_cancellation_is_not_turned_into_a_storage_error()
    {
        using var server = new FakeStorageServer(_ => FakeReply.XmlError(503, "ServerBusy", "Busy."));
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Provider(server).GetBlobStore("cont").GetAsync("b", null, cts.Token));
    }

    private sealed class SlowFirstTryHandler : HttpMessageHandler
    {
        private int _calls;

        public int Calls => _calls;

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (Interlocked.Increment(ref _calls) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
            }

            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new ByteArrayContent([]) };
            response.Content.Headers.ContentLength = 5;
            response.Headers.ETag = new EntityTagHeaderValue("\"0x5\"");
            response.Content.Headers.LastModified = DateTimeOffset.UnixEpoch;
            return response;
        }
    }
}
