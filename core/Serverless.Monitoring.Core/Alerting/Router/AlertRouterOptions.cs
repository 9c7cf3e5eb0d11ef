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

    /// <summary>The marker the silences below record into; null: the router's own.</summary>
    public Alerts.AlertMarker? Marker { get; init; }

    /// <summary>A silence store shared with the host (built with <see cref="Marker"/>); null: the router's own.</summary>
    public Silences.SilenceStore? Silences { get; init; }

    /// <summary>How long silences and notification log entries are kept after they end (upstream's <c>--data.retention</c>).</summary>
    public TimeSpan Retention { get; init; } = TimeSpan.FromHours(120);
}
