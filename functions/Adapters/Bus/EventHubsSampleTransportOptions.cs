using Azure.Core.Pipeline;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>Settings of <see cref="EventHubsSampleTransport"/>.</summary>
public sealed record EventHubsSampleTransportOptions
{
    /// <summary>The service's limit on one publication (event or batch): 1 MiB on Standard and Premium, 256 KiB on Basic.</summary>
    public int MaxPublicationBytes { get; init; } = 1 << 20;

    public EventHubsSendMode SendMode { get; init; } = EventHubsSendMode.SingleEvents;

    /// <summary>Retries after the first try, on 408, 429, 500, 502, 503, 504 and network errors (honouring Retry-After).</summary>
    public int MaxRetries { get; init; } = 5;

    public TimeSpan Delay { get; init; } = TimeSpan.FromSeconds(0.8);

    public TimeSpan MaxDelay { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan NetworkTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a SAS token is valid; it is renewed at half its lifetime.</summary>
    public TimeSpan TokenLifetime { get; init; } = TimeSpan.FromHours(1);

    /// <summary>How many POSTs of one publication run at once.</summary>
    public int MaxConcurrentSends { get; init; } = 4;

    /// <summary>The clock for SAS expiry (tests fix it).</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Replaces the HTTP transport (tests).</summary>
    internal HttpPipelineTransport? Transport { get; init; }
}
