using System.Text.Json.Serialization;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>A rule's health after its last evaluation.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<RuleHealth>))]
public enum RuleHealth
{
    /// <summary>Not evaluated yet.</summary>
    Unknown,

    /// <summary>The last evaluation succeeded.</summary>
    Ok,

    /// <summary>The last evaluation failed (see the rule's last error).</summary>
    Err,
}
