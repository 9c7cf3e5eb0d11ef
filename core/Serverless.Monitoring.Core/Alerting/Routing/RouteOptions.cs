namespace Serverless.Monitoring.Core.Alerting.Routing;

/// <summary>A route's options after inheritance, with upstream's defaults (30s, 5m, 4h).</summary>
public sealed record RouteOptions
{
    public static RouteOptions Default { get; } = new();

    public string Receiver { get; init; } = string.Empty;

    public IReadOnlyList<string> GroupBy { get; init; } = [];

    public bool GroupByAll { get; init; }

    public TimeSpan GroupWait { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan GroupInterval { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromHours(4);

    /// <summary>Not inherited, as upstream.</summary>
    public IReadOnlyList<string> MuteTimeIntervals { get; init; } = [];

    /// <summary>Not inherited, as upstream.</summary>
    public IReadOnlyList<string> ActiveTimeIntervals { get; init; } = [];

    /// <summary>Ours; inherited by child routes.</summary>
    public string? EscalationPolicy { get; init; }
}
