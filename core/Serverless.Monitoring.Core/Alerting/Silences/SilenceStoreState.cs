using System.Text.Json;
using System.Text.Json.Serialization;

namespace Serverless.Monitoring.Core.Alerting.Silences;

/// <summary>The silences as one JSON document (a blob), so they survive a restart.</summary>
internal sealed record SilenceStoreState
{
    public const int CurrentVersion = 1;

    public int Version { get; init; } = CurrentVersion;

    public required IReadOnlyList<SilenceJson> Silences { get; init; }

    public string ToJson() => JsonSerializer.Serialize(this, SilencesJsonContext.Default.SilenceStoreState);

    public static SilenceStoreState FromJson(string json)
    {
        var state = JsonSerializer.Deserialize(json, SilencesJsonContext.Default.SilenceStoreState)
            ?? throw new JsonException("null silence state");
        return state.Version == CurrentVersion ? state : throw new JsonException($"unsupported silence state version {state.Version}");
    }
}

internal sealed record SilenceJson
{
    public required string Id { get; init; }

    public required IReadOnlyList<SilenceMatcherJson> Matchers { get; init; }

    public DateTimeOffset StartsAt { get; init; }

    public DateTimeOffset EndsAt { get; init; }

    public DateTimeOffset UpdatedAt { get; init; }

    public string CreatedBy { get; init; } = "";

    public string Comment { get; init; } = "";

    public static SilenceJson From(Silence s) => new()
    {
        Id = s.Id,
        Matchers = [.. s.Matchers.Select(m => new SilenceMatcherJson(m.Name, m.Pattern, m.IsRegex, m.IsEqual))],
        StartsAt = s.StartsAt,
        EndsAt = s.EndsAt,
        UpdatedAt = s.UpdatedAt,
        CreatedBy = s.CreatedBy,
        Comment = s.Comment,
    };

    public Silence ToSilence() => new()
    {
        Id = Id,
        Matchers = [.. Matchers.Select(m => SilenceMatcher.FromApi(m.Name, m.Value, m.IsRegex, m.IsEqual))],
        StartsAt = StartsAt,
        EndsAt = EndsAt,
        UpdatedAt = UpdatedAt,
        CreatedBy = CreatedBy,
        Comment = Comment,
    };
}

internal sealed record SilenceMatcherJson(string Name, string Value, bool IsRegex, bool IsEqual);

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SilenceStoreState))]
internal sealed partial class SilencesJsonContext : JsonSerializerContext;
