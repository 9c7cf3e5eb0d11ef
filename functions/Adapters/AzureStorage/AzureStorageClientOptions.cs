using Azure.Core.Pipeline;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Retry and timeout settings of the Azure Storage REST clients. Retries use exponential
/// backoff (with jitter, honouring Retry-After) on 408, 429, 500, 502, 503, 504 and on
/// network errors. Tests shrink the delays to keep failure paths fast.
/// </summary>
public sealed record AzureStorageClientOptions
{
    /// <summary>Retries after the first attempt (so MaxRetries + 1 tries in all).</summary>
    public int MaxRetries { get; init; } = 5;

    /// <summary>The first backoff delay; it doubles per retry up to <see cref="MaxDelay"/>.</summary>
    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(0.8);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of one try, including reading the response body.</summary>
    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(100);

    /// <summary>Replaces the HTTP transport; tests use it to see what goes on the wire without a network.</summary>
    internal HttpPipelineTransport? Transport { get; init; }
}
