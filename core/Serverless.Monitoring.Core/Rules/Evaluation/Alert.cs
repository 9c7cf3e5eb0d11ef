using System.Text.Json.Serialization;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// One alert of an alerting rule (upstream's <c>rules.Alert</c>): what <c>/api/v1/alerts</c> shows and
/// what survives between evaluations. Instants are Unix nanoseconds; null is upstream's zero time.
/// </summary>
public sealed record Alert
{
    /// <summary>The alert's identity: the result series' labels without <c>__name__</c>, the rule's (expanded) labels, <c>alertname</c>.</summary>
    [JsonConverter(typeof(LabelSetJsonConverter))]
    public required LabelSet Labels { get; init; }

    /// <summary>Expanded annotations, sorted by name.</summary>
    [JsonConverter(typeof(LabelListJsonConverter))]
    public required IReadOnlyList<Label> Annotations { get; init; }

    /// <summary>Pending, firing, or inactive (resolved, kept for re-sending).</summary>
    public required AlertState State { get; init; }

    /// <summary>The query's value at the last evaluation that returned the alert.</summary>
    [JsonNumberHandling(JsonNumberHandling.AllowNamedFloatingPointLiterals)]
    public double Value { get; init; }

    /// <summary>When the alert became active (pending).</summary>
    public long ActiveAt { get; init; }

    /// <summary>When it started firing.</summary>
    public long? FiredAt { get; init; }

    /// <summary>When it was resolved.</summary>
    public long? ResolvedAt { get; init; }

    /// <summary>When it was last handed to the notifier.</summary>
    public long? LastSentAt { get; init; }

    /// <summary>The end time it was last sent with while firing.</summary>
    public long? ValidUntil { get; init; }

    /// <summary>Since when it has been kept firing after its series vanished (<c>keep_firing_for</c>).</summary>
    public long? KeepFiringSince { get; init; }
}
