using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Serverless.Monitoring.Core.Alerting.Router;

/// <summary>What a router takes from its host besides the configuration.</summary>
public sealed record AlertRouterOptions
{
    /// <summary>The URL in payloads and links (<c>--web.external-url</c>); read at each notification.</summary>
    public Func<string> ExternalUrl { get; init; } = static () => "";

    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>Shared by every router of a host, so counts survive reloads; null: no metrics.</summary>
    public RouterMetrics? Metrics { get; init; }

    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>How long silences and notification log entries are kept after they end (upstream's <c>--data.retention</c>).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(120);
}
