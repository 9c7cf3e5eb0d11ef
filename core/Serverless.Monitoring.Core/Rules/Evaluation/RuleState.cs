using System.Text.Json.Serialization;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>One rule's part of <see cref="RuleGroupState"/>.</summary>
public sealed record RuleState
{
    /// <summary>The rule's <see cref="Rule.Key"/> (name and labels), checked when the state is resumed.</summary>
    public required string Key { get; init; }

    /// <summary>Health after the last evaluation.</summary>
    public RuleHealth Health { get; init; }

    /// <summary>The last evaluation's error, if it failed.</summary>
    public string? LastError { get; init; }

    /// <summary>Wall-clock start of the rule's last evaluation (Unix ns); null before the first.</summary>
    public long? LastEvaluation { get; init; }

    /// <summary>How long the rule's last evaluation took.</summary>
    public TimeSpan EvaluationTime { get; init; }

    /// <summary>The series the rule wrote at its last successful evaluation: those missing next time get a stale marker.</summary>
    [JsonConverter(typeof(LabelSetListJsonConverter))]
    public IReadOnlyList<LabelSet> Series { get; init; } = [];

    /// <summary>An alerting rule's alerts: pending, firing, and resolved ones still kept.</summary>
    public IReadOnlyList<Alert> Alerts { get; init; } = [];
}
