using Azure.Core;
using Azure.Core.Pipeline;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Retry and timeout settings of the Blob, Table and Queue clients, set explicitly on each SDK
/// client rather than left to SDK defaults that may change between versions. The SDKs retry with
/// exponential backoff (with jitter, honouring Retry-After) on 408, 429, 500, 502, 503 and 504,
/// on network errors and on tries that exceed <see cref="NetworkTimeout"/>.
/// Tests shrink the delays to keep failure paths fast.
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

    internal int Tries => MaxRetries + 1;

    /// <summary>Copies these settings onto an SDK client's options.</summary>
    internal TOptions ApplyTo<TOptions>(TOptions options)
        where TOptions : ClientOptions
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentOutOfRangeException.ThrowIfNegative(MaxRetries);
        options.Retry.Mode = RetryMode.Exponential;
        options.Retry.MaxRetries = MaxRetries;
        options.Retry.Delay = Delay;
        options.Retry.MaxDelay = MaxDelay;
        options.Retry.NetworkTimeout = NetworkTimeout;
        if (Transport is not null)
        {
            options.Transport = Transport;
        }

        return options;
    }
}
