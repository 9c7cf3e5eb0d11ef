using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>One rule's mutable state inside a <see cref="RuleGroupEvaluator"/>.</summary>
internal sealed class RuleRuntime(Rule rule)
{
    public Rule Rule { get; } = rule;

    public RuleHealth Health { get; set; }

    public string? LastError { get; set; }

    public long? LastEvaluation { get; set; }

    public TimeSpan EvaluationTime { get; set; }

    /// <summary>Series written at the last successful evaluation (upstream's <c>seriesInPreviousEval</c>).</summary>
    public HashSet<LabelSet> Series { get; set; } = [];

    /// <summary>An alerting rule's alerts by label set (upstream's <c>active</c>), resolved ones included.</summary>
    public Dictionary<LabelSet, AlertInstance> Active { get; set; } = [];

    /// <summary>Upstream's <c>AlertingRule.State</c>; null for a recording rule.</summary>
    public AlertState? State
    {
        get
        {
            if (Rule is not AlertingRule)
            {
                return null;
            }

            if (LastEvaluation is null)
            {
                return AlertState.Unknown;
            }

            var max = AlertState.Inactive;
            foreach (var a in Active.Values)
            {
                if (a.State > max)
                {
                    max = a.State;
                }
            }

            return max;
        }
    }

    public static RuleRuntime FromState(Rule rule, RuleState state) => new(rule)
    {
        Health = state.Health,
        LastError = state.LastError,
        LastEvaluation = state.LastEvaluation,
        EvaluationTime = state.EvaluationTime,
        Series = [.. state.Series],
        Active = rule is AlertingRule ? state.Alerts.Select(AlertInstance.From).ToDictionary(a => a.Labels) : [],
    };

    public RuleState ToState() => new()
    {
        Key = Rule.Key,
        Health = Health,
        LastError = LastError,
        LastEvaluation = LastEvaluation,
        EvaluationTime = EvaluationTime,
        Series = [.. Series],
        Alerts = [.. Active.Values.Select(a => a.ToAlert())],
    };

    public RuleStatus ToStatus() => new()
    {
        Rule = Rule,
        Health = Health,
        LastError = LastError,
        LastEvaluation = LastEvaluation,
        EvaluationTime = EvaluationTime,
        State = State,
        Alerts = [.. Active.Values.Where(a => a.ResolvedAt is null).Select(a => a.ToAlert())],
    };
}
