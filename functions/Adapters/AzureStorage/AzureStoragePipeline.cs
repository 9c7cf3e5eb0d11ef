using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Builds the Azure.Core pipeline of one storage service: request id and User-Agent,
/// exponential retries, then per try a fresh x-ms-date and the authorization.
/// </summary>
internal static class AzureStoragePipeline
{
    /// <summary>Scope of Entra ID tokens for Blob, Queue and Table.</summary>
    public const string StorageScope = "https://storage.azure.com/.default";

    public static HttpPipeline Build(AzureStorageConnection connection, SharedKeyService service, AzureStorageClientOptions options)
    {
        ArgumentNullException.ThrowIfNull(connection);
        ArgumentNullException.ThrowIfNull(options);
        if (options.MaxRetries < 0)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "MaxRetries must not be negative.");
        }

        var clientOptions = new StorageClientOptions();
        clientOptions.Retry.Mode = RetryMode.Exponential;
        clientOptions.Retry.MaxRetries = options.MaxRetries;
        clientOptions.Retry.Delay = options.Delay;
        clientOptions.Retry.MaxDelay = options.MaxDelay;
        clientOptions.Retry.NetworkTimeout = options.NetworkTimeout;
        if (options.Transport is not null)
        {
            clientOptions.Transport = options.Transport;
        }

        HttpPipelinePolicy auth = connection.UsesSharedKey
            ? new SharedKeyCredentialPolicy(connection.AccountName, connection.AccountKey, service)
            : new BearerTokenAuthenticationPolicy(connection.Credential!, StorageScope);

        return HttpPipelineBuilder.Build(
            clientOptions,
            perCallPolicies: [],
            perRetryPolicies: [StorageDatePolicy.Shared, auth],
            StorageResponseClassifier.Shared);
    }

    private sealed class StorageClientOptions : ClientOptions;
}
