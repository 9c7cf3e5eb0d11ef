using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>
/// <c>sum</c>, <c>min</c>, <c>max</c>, <c>count</c> and <c>group</c> fold each group as its samples
/// come, in input order (so the same Kahan sum and NaN handling as over a group's list), without
/// collecting the groups' samples first: at every step of a range query that was a list per group.
/// </summary>
internal sealed partial class Evaluator
{
    private readonly Dictionary<AggregateExpr, Grouping> _lastGrouping = new(ReferenceEqualityComparer.Instance);

    private VectorValue RunningAggregate(AggregateExpr a, List<VSample> input, long t)
    {
        var index = new Dictionary<LabelSet, int>();
        var keys = new List<LabelSet>();
        var states = new List<(double Value, double Compensation, int Count)>();

        // At each step of a range query the input usually holds the same series (the same label
        // set instances) in the same order: while it does, the last step's groups still apply.
        var last = _lastGrouping.GetValueOrDefault(a);
        var metrics = new LabelSet[input.Count];
        var groupOf = new int[input.Count];
        for (var i = 0; i < input.Count; i++)
        {
            var s = input[i];
            metrics[i] = s.Metric;
            int g;
            if (last is not null && i < last.Metrics.Length && ReferenceEquals(last.Metrics[i], s.Metric))
            {
                g = last.GroupOf[i];
                if (g == keys.Count)
                {
                    // Groups first appear in the same order as at the last step.
                    index[last.Keys[g]] = g;
                    keys.Add(last.Keys[g]);
                    states.Add((a.Op is TokenKind.Min or TokenKind.Max ? double.NaN : 0, 0, 0));
                }
            }
            else
            {
                last = null;
                var key = MemoGroupingKey(a, s.Metric);
                if (!index.TryGetValue(key, out g))
                {
                    g = keys.Count;
                    index[key] = g;
                    keys.Add(key);
                    states.Add((a.Op is TokenKind.Min or TokenKind.Max ? double.NaN : 0, 0, 0));
                }
            }

            var (value, compensation, count) = states[g];
            switch (a.Op)
            {
                case TokenKind.Sum:
                    (value, compensation) = KahanInc(s.F, value, compensation);
                    break;
                case TokenKind.Min:
                    value = double.IsNaN(value) || s.F < value ? s.F : value;
                    break;
                case TokenKind.Max:
                    value = double.IsNaN(value) || s.F > value ? s.F : value;
                    break;
            }

            states[g] = (value, compensation, count + 1);
            groupOf[i] = g;
        }

        _lastGrouping[a] = new Grouping(metrics, groupOf, keys);

        var result = new List<VSample>(keys.Count);
        for (var g = 0; g < keys.Count; g++)
        {
            var (value, compensation, count) = states[g];
            var f = a.Op switch
            {
                TokenKind.Sum => double.IsInfinity(value) ? value : value + compensation,
                TokenKind.Count => count,
                TokenKind.Group => 1,
                _ => value,
            };
            result.Add(new VSample(keys[g], t, f));
        }

        return new VectorValue(result);
    }

    /// <summary>Which group (by first appearance) each input series fell into at the last step.</summary>
    private sealed record Grouping(LabelSet[] Metrics, int[] GroupOf, List<LabelSet> Keys);
}
