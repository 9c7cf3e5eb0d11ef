using System.Text.Json.Serialization;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Core.Alerting.Alerts;

/// <summary>An <see cref="Alert"/> in exported state (labels as JSON objects).</summary>
internal sealed record AlertJson
{
    [JsonConverter(typeof(LabelSetJsonConverter))]
    public required LabelSet Labels { get; init; }

    [JsonConverter(typeof(LabelSetJsonConverter))]
    public LabelSet Annotations { get; init; } = LabelSet.Empty;

    public DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset? EndsAt { get; init; }

    public string? GeneratorUrl { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public bool Timeout { get; init; }

    public static AlertJson From(Alert a) => new()
    {
        Labels = a.Labels,
        Annotations = a.Annotations,
        StartsAt = a.StartsAt,
        EndsAt = a.EndsAt,
        GeneratorUrl = a.GeneratorUrl.Length == 0 ? null : a.GeneratorUrl,
        UpdatedAt = a.UpdatedAt,
        Timeout = a.Timeout,
    };

    public Alert ToAlert() => new()
    {
        Labels = Labels,
        Annotations = Annotations,
        StartsAt = StartsAt,
        EndsAt = EndsAt,
        GeneratorUrl = GeneratorUrl ?? "",
        UpdatedAt = UpdatedAt,
        Timeout = Timeout,
    };
}
