using System.Collections.Concurrent;
using System.Net;
using Azure.Core;
using Azure.Core.Pipeline;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

public sealed class EntraIdAuthenticationTests
{
    [Fact]
    public async Task Token_connections_send_a_bearer_token_for_the_storage_scope()
    {
        var credential = new RecordingCredential();
        using var handler = new RecordingHandler();
        using var http = new HttpClient(handler);
        var options = new AzureStorageClientOptions { Transport = new HttpClientTransport(http), MaxRetries = 0 };
        var provider = AzureStorageProvider.FromServiceUris(new Uri("https://acct.blob.core.windows.net"),
            new Uri("https://acct.table.core.windows.net"), new Uri("https://acct.queue.core.windows.net"), credential, options);

        Assert.Null(await provider.GetBlobStore("cont").GetPropertiesAsync("dir/a b"));
        Assert.Null(await provider.GetTableStore("tbl").GetAsync("p", "r"));

        var blob = handler.Requests.First();
        Assert.Equal("https://acct.blob.core.windows.net/cont/dir/a%20b", blob.RequestUri!.AbsoluteUri);
        Assert.Equal("Bearer token-for-storage", blob.Headers.Authorization!.ToString());
        var table = handler.Requests.Last().RequestUri!;
        Assert.Equal("acct.table.core.windows.net", table.Host);
        Assert.Equal("/tbl(PartitionKey='p',RowKey='r')", Uri.UnescapeDataString(table.AbsolutePath));
        Assert.Equal("Bearer token-for-storage", handler.Requests.Last().Headers.Authorization!.ToString());
        Assert.All(credential.Scopes, s => Assert.Equal(["https://storage.azure.com/.default"], s));
    }

    private sealed class RecordingCredential : TokenCredential
    {
        public ConcurrentBag<string[]> Scopes { get; } = [];

        public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken)
        {
            Scopes.Add(requestContext.Scopes);
            return new AccessToken("token-for-storage", DateTimeOffset.UtcNow.AddHours(1));
        }

        public override ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
            ValueTask.FromResult(GetToken(requestContext, cancellationToken));
    }

    private sealed class RecordingHandler : HttpMessageHandler
    {
        public ConcurrentQueue<HttpRequestMessage> Requests { get; } = new();

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            Requests.Enqueue(request);
            var response = new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent(string.Empty) };
            response.Headers.Add("x-ms-error-code", "ResourceNotFound");
            return Task.FromResult(response);
        }
    }
}
