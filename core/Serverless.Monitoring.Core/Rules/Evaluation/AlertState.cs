using System.Text.Json.Serialization;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// An alert's state, or an alerting rule's (the highest of its alerts'; <see cref="Unknown"/> before
/// its first evaluation). Ordered as upstream: firing &gt; pending &gt; inactive &gt; unknown.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AlertState>))]
public enum AlertState
{
    /// <summary>Not evaluated yet (rules only).</summary>
    Unknown,

    /// <summary>Resolved: was firing, no longer is (kept 15 minutes for re-sending).</summary>
    Inactive,

    /// <summary>Active for less than the rule's <c>for</c>.</summary>
    Pending,

    /// <summary>Active for at least the rule's <c>for</c>.</summary>
    Firing,
}
