namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>
/// What aggregation needs from a matched route (Alertmanager's <c>RouteOpts</c> and the route's key):
/// the route tree of the configuration builds these; the dispatcher only reads them.
/// </summary>
public sealed record RouteOptions
{
    /// <summary>The route's key (upstream's <c>Route.Key()</c>, e.g. <c>{}/{severity="page"}</c>): the first part of group keys.</summary>
    public required string Key { get; init; }

    public required string Receiver { get; init; }

    /// <summary>Label names that form a group; ignored with <see cref="GroupByAll"/>.</summary>
    public IReadOnlySet<string> GroupBy { get; init; } = new HashSet<string>(StringComparer.Ordinal);

    /// <summary><c>group_by: ['...']</c>: every label of the alert.</summary>
    public bool GroupByAll { get; init; }

    public TimeSpan GroupWait { get; init; } = TimeSpan.FromSeconds(30);

    public TimeSpan GroupInterval { get; init; } = TimeSpan.FromMinutes(5);

    public TimeSpan RepeatInterval { get; init; } = TimeSpan.FromHours(4);

    public IReadOnlyList<string> MuteTimeIntervals { get; init; } = [];

    public IReadOnlyList<string> ActiveTimeIntervals { get; init; } = [];
}
