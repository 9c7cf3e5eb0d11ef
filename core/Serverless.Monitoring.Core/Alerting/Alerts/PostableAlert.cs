namespace Serverless.Monitoring.Core.Alerting.Alerts;

/// <summary>
/// An alert as a client posts it to <c>/api/v2/alerts</c>, before defaults and validation: labels
/// are raw pairs (they may be invalid or empty-valued), times may be missing (Go's zero time).
/// </summary>
public sealed record PostableAlert
{
    public required IReadOnlyList<KeyValuePair<string, string>> Labels { get; init; }

    public IReadOnlyList<KeyValuePair<string, string>> Annotations { get; init; } = [];

    public DateTimeOffset? StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public string GeneratorUrl { get; init; } = "";
}
