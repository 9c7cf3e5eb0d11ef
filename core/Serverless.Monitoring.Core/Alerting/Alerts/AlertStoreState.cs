using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Monitoring.Core.Alerting.Alerts;

/// <summary>The alert store as one JSON document (a blob), so the alerts survive a restart.</summary>
internal sealed record AlertStoreState
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required IReadOnlyList<AlertJson> Alerts { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, AlertsJsonContext.Default.AlertStoreState);

    public static AlertStoreState FromJson(string json)
    {
        var state = JsonSerializer.Deserialize(json, AlertsJsonContext.Default.AlertStoreState)
            ?? throw new JsonException("null alert store state");
        return state.Version == CurrentVersion ? state : throw new JsonException($"unsupported alert store state version {state.Version}");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AlertStoreState))]
internal sealed partial class AlertsJsonContext : JsonSerializerContext;
