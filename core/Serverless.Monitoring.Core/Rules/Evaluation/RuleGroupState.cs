using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// Everything a group needs between two evaluations: alerts, the series written last time (for
/// stale markers), health and times for the API, and whether <c>for</c> state is still to be
/// restored. Serializable with System.Text.Json under any options (labels are JSON objects, values
/// may be NaN); <see cref="ToJson"/> and <see cref="FromJson"/> give a compact camelCase form.
/// </summary>
public sealed record RuleGroupState
{
    /// <summary>The format's version.</summary>
    public const int CurrentVersion = 1;

    /// <summary>This state's format version.</summary>
    public int Version { get; init; } = CurrentVersion;

    /// <summary>The group's name.</summary>
    public required string Name { get; init; }

    /// <summary>The group's file.</summary>
    public required string File { get; init; }

    /// <summary>The <see cref="RuleGroup.Fingerprint"/> of the definition this state belongs to; another one means a reload.</summary>
    public required string Fingerprint { get; init; }

    /// <summary>Wall-clock start of the last evaluation (Unix ns); null before the first.</summary>
    public long? LastEvaluation { get; init; }

    /// <summary>The slot of the last evaluation (Unix ns); null before the first.</summary>
    public long? LastEvaluationTimestamp { get; init; }

    /// <summary>How long the last evaluation took.</summary>
    public TimeSpan EvaluationTime { get; init; }

    /// <summary>
    /// Evaluations left before <c>for</c> state is restored from <c>ALERTS_FOR_STATE</c> (2 on a first
    /// load with restoring, 0 when done or not wanted). Until then <c>ALERTS</c> and <c>ALERTS_FOR_STATE</c> are not written.
    /// </summary>
    public int EvaluationsBeforeRestore { get; init; }

    /// <summary>Per rule, in the group's order.</summary>
    public required IReadOnlyList<RuleState> Rules { get; init; }

    /// <summary>Series of rules that a reload removed: marked stale at the next evaluation.</summary>
    [JsonConverter(typeof(LabelSetListJsonConverter))]
    public IReadOnlyList<LabelSet> StaleSeries { get; init; } = [];

    /// <summary>The state as compact JSON.</summary>
    public string ToJson() => JsonSerializer.Serialize(this, RuleStateJsonContext.Default.RuleGroupState);

    /// <summary>A state from <see cref="ToJson"/>.</summary>
    /// <exception cref="JsonException">Not a state of this format.</exception>
    public static RuleGroupState FromJson(string json)
    {
        ArgumentNullException.ThrowIfNull(json);
        var state = JsonSerializer.Deserialize(json, RuleStateJsonContext.Default.RuleGroupState)
            ?? throw new JsonException("null rule group state");
        return state.Version == CurrentVersion ? state : throw new JsonException($"unsupported rule group state version {state.Version}");
    }
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(RuleGroupState))]
internal sealed partial class RuleStateJsonContext : JsonSerializerContext;
