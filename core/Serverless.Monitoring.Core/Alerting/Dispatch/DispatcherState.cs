using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Monitoring.Core.Alerting.Alerts;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>The aggregation groups as one JSON document (a blob), so their timers survive a restart.</summary>
internal sealed record DispatcherState
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required IReadOnlyList<GroupState> Groups { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, DispatchJsonContext.Default.DispatcherState);

    public static DispatcherState FromJson(string json)
    {
        var state = JsonSerializer.Deserialize(json, DispatchJsonContext.Default.DispatcherState)
            ?? throw new JsonException("null dispatcher state");
        return state.Version == CurrentVersion ? state : throw new JsonException($"unsupported dispatcher state version {state.Version}");
    }
}

internal sealed record GroupState
{
    public required string RouteKey { get; init; }

    [JsonConverter(typeof(LabelSetJsonConverter))]
    public required LabelSet Labels { get; init; }

    public DateTimeOffset NextFlush { get; init; }

    public bool HasFlushed { get; init; }

    public required IReadOnlyList<AlertJson> Alerts { get; init; }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(DispatcherState))]
internal sealed partial class DispatchJsonContext : JsonSerializerContext;
