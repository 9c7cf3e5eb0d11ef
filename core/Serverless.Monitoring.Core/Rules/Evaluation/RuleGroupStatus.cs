namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>One group as <c>/api/v1/rules</c> shows it (upstream shows no group health).</summary>
public sealed record RuleGroupStatus
{
    /// <summary><c>name</c>.</summary>
    public required string Name { get; init; }

    /// <summary><c>file</c>.</summary>
    public required string File { get; init; }

    /// <summary><c>interval</c>.</summary>
    public TimeSpan Interval { get; init; }

    /// <summary><c>limit</c>.</summary>
    public int Limit { get; init; }

    /// <summary><c>evaluationTime</c>: how long the last evaluation took.</summary>
    public TimeSpan EvaluationTime { get; init; }

    /// <summary><c>lastEvaluation</c>: wall-clock start of the last evaluation (Unix ns).</summary>
    public long? LastEvaluation { get; init; }

    /// <summary>The slot of the last evaluation (Unix ns).</summary>
    public long? LastEvaluationTimestamp { get; init; }

    /// <summary><c>rules</c>, in file order.</summary>
    public required IReadOnlyList<RuleStatus> Rules { get; init; }
}
