using System.Globalization;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>Upstream's <c>RecordingRule.Eval</c>: the result renamed and relabelled, checked for duplicates and the limit.</summary>
internal static class RecordingRuleEvaluation
{
    /// <summary>Upstream's <c>ErrDuplicateRecordingLabelSet</c>.</summary>
    public const string DuplicateLabelSet = "vector contains metrics with the same labelset after applying rule labels";

    /// <exception cref="RuleEvaluationException">Duplicate series after relabelling, or more series than <paramref name="limit"/>.</exception>
    public static void Apply(RecordingRule rule, IReadOnlyList<ResultSeries> results, int limit, List<(LabelSet Labels, double Value)> output)
    {
        var builder = new LabelSetBuilder();
        var seen = new HashSet<LabelSet>(results.Count);
        foreach (var result in results)
        {
            builder.Clear();
            foreach (var l in result.Labels)
            {
                builder.Set(l.Name, l.Value);
            }

            builder.Set(LabelValidation.MetricNameLabel, rule.Name);
            foreach (var l in rule.Labels)
            {
                builder.Set(l.Name, l.Value);
            }

            var labels = builder.Build();
            if (!seen.Add(labels))
            {
                output.Clear();
                throw new RuleEvaluationException(DuplicateLabelSet);
            }

            output.Add((labels, result.Points.Count > 0 ? result.Points[0].Value : double.NaN));
        }

        if (limit > 0 && output.Count > limit)
        {
            var count = output.Count;
            output.Clear();
            throw new RuleEvaluationException(string.Create(CultureInfo.InvariantCulture, $"exceeded limit of {limit} with {count} series"));
        }
    }
}
