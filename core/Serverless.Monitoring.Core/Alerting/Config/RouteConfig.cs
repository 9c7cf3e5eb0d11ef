using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Alerting.Config;

/// <summary>
/// One node of <c>route</c> as written (no inheritance applied; see Routing.Route for that).
/// Timers are null when not set, so children inherit them.
/// </summary>
public sealed record RouteConfig
{
    public string Receiver { get; init; } = string.Empty;

    /// <summary>The labels of <c>group_by</c> without <c>'...'</c>; null when <c>group_by</c> is absent.</summary>
    public IReadOnlyList<string>? GroupBy { get; init; }

    /// <summary>True for <c>group_by: ['...']</c>: every label groups.</summary>
    public bool GroupByAll { get; init; }

    /// <summary>Deprecated <c>match</c>, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Match { get; init; } = [];

    /// <summary>Deprecated <c>match_re</c>, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> MatchRe { get; init; } = [];

    /// <summary><c>matchers</c>, sorted as upstream sorts them.</summary>
    public IReadOnlyList<LabelMatcher> Matchers { get; init; } = [];

    public IReadOnlyList<string> MuteTimeIntervals { get; init; } = [];

    public IReadOnlyList<string> ActiveTimeIntervals { get; init; } = [];

    public bool Continue { get; init; }

    public IReadOnlyList<RouteConfig> Routes { get; init; } = [];

    public TimeSpan? GroupWait { get; init; }

    public TimeSpan? GroupInterval { get; init; }

    public TimeSpan? RepeatInterval { get; init; }

    /// <summary>Ours: the escalation policy alerts of this route follow (inherited by child routes).</summary>
    public string? EscalationPolicy { get; init; }
}
