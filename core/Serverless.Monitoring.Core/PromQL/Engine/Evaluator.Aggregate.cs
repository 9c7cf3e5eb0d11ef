using System.Globalization;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Aggregation operators.</summary>
internal sealed partial class Evaluator
{
    private VectorValue EvalAggregate(AggregateExpr a, long t)
    {
        double param = 0;
        string? label = null;
        if (a.Param is not null)
        {
            var pv = Eval(a.Param, t);
            if (pv is ScalarValue s)
            {
                param = s.V;
            }
            else if (pv is StringValue str)
            {
                label = str.S;
            }
        }

        var input = ((VectorValue)Eval(a.Expr, t)).Samples;
        if (a.Op == TokenKind.CountValues)
        {
            if (!LabelValidation.IsValidLabelName(label!))
            {
                throw new PromQLEvaluationException($"invalid label name \"{label}\"");
            }
        }

        if (a.Op is TokenKind.Topk or TokenKind.Bottomk or TokenKind.Limitk)
        {
            if (double.IsNaN(param))
            {
                throw new PromQLEvaluationException("Parameter value is NaN");
            }

            if (param >= long.MaxValue || param <= long.MinValue)
            {
                throw new PromQLEvaluationException($"Scalar value {Printer.FormatNumber(param)} overflows int64");
            }
        }

        if (a.Op == TokenKind.LimitRatio)
        {
            if (double.IsNaN(param))
            {
                throw new PromQLEvaluationException("Ratio value is NaN");
            }

            if (param is < -1 or > 1)
            {
                AddWarning($"PromQL warning: ratio value should be between -1 and 1, got {GoFloat.FormatG(param)}, capping to {GoFloat.FormatG(Math.Clamp(param, -1, 1))}", a.Param!.Position);
                param = Math.Clamp(param, -1, 1);
            }
        }

        if (a.Op == TokenKind.Quantile)
        {
            // Upstream checks the parameter whether or not there is anything to aggregate.
            CheckQuantile(param, a.Param!);
        }

        if (a.Op is TokenKind.Sum or TokenKind.Min or TokenKind.Max or TokenKind.Count or TokenKind.Group)
        {
            return RunningAggregate(a, input, t);
        }

        var groups = new Dictionary<LabelSet, List<VSample>>();
        var order = new List<LabelSet>();
        foreach (var s in input)
        {
            var key = MemoGroupingKey(a, s.Metric);
            if (!groups.TryGetValue(key, out var list))
            {
                list = [];
                groups[key] = list;
                order.Add(key);
            }

            list.Add(s);
        }

        var result = new List<VSample>();
        foreach (var key in order)
        {
            var g = groups[key];
            switch (a.Op)
            {
                case TokenKind.Sum:
                    result.Add(new VSample(key, t, KahanSum(g.Select(x => x.F))));
                    break;
                case TokenKind.Avg:
                    result.Add(new VSample(key, t, Average(g.Select(x => x.F).ToList())));
                    break;
                case TokenKind.Count:
                    result.Add(new VSample(key, t, g.Count));
                    break;
                case TokenKind.Group:
                    result.Add(new VSample(key, t, 1));
                    break;
                case TokenKind.Min:
                    result.Add(new VSample(key, t, g.Select(x => x.F).Aggregate(double.NaN, (m, v) => double.IsNaN(m) || v < m ? v : m)));
                    break;
                case TokenKind.Max:
                    result.Add(new VSample(key, t, g.Select(x => x.F).Aggregate(double.NaN, (m, v) => double.IsNaN(m) || v > m ? v : m)));
                    break;
                case TokenKind.Stddev:
                    result.Add(new VSample(key, t, Math.Sqrt(Variance(g.Select(x => x.F).ToList()))));
                    break;
                case TokenKind.Stdvar:
                    result.Add(new VSample(key, t, Variance(g.Select(x => x.F).ToList())));
                    break;
                case TokenKind.Quantile:
                    result.Add(new VSample(key, t, Quantile(param, g.Select(x => x.F).ToList())));
                    break;
                case TokenKind.CountValues:
                    foreach (var cv in g.GroupBy(x => Printer.FormatNumber(x.F)).OrderBy(x => x.Key, StringComparer.Ordinal))
                    {
                        result.Add(new VSample(new LabelSetBuilder(key).Set(label!, cv.Key).Build(), t, cv.Count()));
                    }

                    break;
                case TokenKind.Topk:
                case TokenKind.Bottomk:
                    {
                        var k = (long)param;
                        if (k < 1)
                        {
                            break;
                        }

                        var top = a.Op == TokenKind.Topk;
                        var sorted = g.OrderBy(x => x, Comparer<VSample>.Create((x, y) => CompareForK(x.F, y.F, top))).Take((int)Math.Min(k, g.Count));
                        result.AddRange(sorted.Select(x => new VSample(x.Metric, t, x.F)));
                        break;
                    }

                case TokenKind.Limitk:
                    {
                        var k = (long)param;
                        if (k >= 1)
                        {
                            result.AddRange(g.Take((int)Math.Min(k, g.Count)).Select(x => new VSample(x.Metric, t, x.F)));
                        }

                        break;
                    }

                case TokenKind.LimitRatio:
                    foreach (var x in g)
                    {
                        var r = RatioOf(x.Metric);
                        if (param >= 0 ? r < param : r >= 1 + param)
                        {
                            result.Add(new VSample(x.Metric, t, x.F));
                        }
                    }

                    break;
            }
        }

        if (a.Op is TokenKind.Topk or TokenKind.Bottomk or TokenKind.Limitk or TokenKind.LimitRatio)
        {
            return new VectorValue(result);
        }

        return new VectorValue(result);
    }

    private static int CompareForK(double x, double y, bool top)
    {
        // NaN always sorts last.
        if (double.IsNaN(x))
        {
            return double.IsNaN(y) ? 0 : 1;
        }

        if (double.IsNaN(y))
        {
            return -1;
        }

        return top ? y.CompareTo(x) : x.CompareTo(y);
    }

    private static double RatioOf(LabelSet l)
    {
        ulong h = 14695981039346656037UL;
        foreach (var ch in l.ToString())
        {
            h = (h ^ ch) * 1099511628211UL;
        }

        return h / (double)ulong.MaxValue;
    }

    internal static LabelSet GroupingKey(LabelSet l, IReadOnlyList<string> grouping, bool without)
    {
        var b = new LabelSetBuilder(l);
        if (without)
        {
            b.Delete([.. grouping, LabelValidation.MetricNameLabel]);
        }
        else
        {
            b.Keep(grouping.ToArray());
        }

        return b.Build();
    }

    internal static double KahanSum(IEnumerable<double> values)
    {
        double sum = 0, c = 0;
        foreach (var v in values)
        {
            (sum, c) = KahanInc(v, sum, c);
        }

        return double.IsInfinity(sum) ? sum : sum + c;
    }

    internal static (double Sum, double C) KahanInc(double inc, double sum, double c)
    {
        var t = sum + inc;
        if (double.IsInfinity(t))
        {
            c = 0;
        }
        else if (Math.Abs(sum) >= Math.Abs(inc))
        {
            c += (sum - t) + inc;
        }
        else
        {
            c += (inc - t) + sum;
        }

        return (t, c);
    }

    internal static double Average(List<double> values)
    {
        double sum = 0, c = 0;
        var incremental = false;
        double mean = 0, meanC = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            if (!incremental)
            {
                var (ns, nc) = KahanInc(v, sum, c);
                if (!double.IsInfinity(ns) || double.IsInfinity(v))
                {
                    (sum, c) = (ns, nc);
                    continue;
                }

                incremental = true;
                mean = sum / i;
                meanC = c / i;
            }

            var count = i + 1;
            if (double.IsInfinity(mean))
            {
                if (double.IsInfinity(v) && Math.Sign(mean) != Math.Sign(v))
                {
                    mean = double.NaN;
                }

                continue;
            }

            (mean, meanC) = KahanInc((v / count) - (mean / count), mean, meanC);
            _ = count;
        }

        if (incremental)
        {
            return mean + meanC;
        }

        return (sum + c) / values.Count;
    }

    internal static double Variance(List<double> values)
    {
        double mean = 0, meanC = 0, m2 = 0, m2C = 0;
        for (var i = 0; i < values.Count; i++)
        {
            var v = values[i];
            var count = i + 1;
            var delta = v - (mean + meanC);
            (mean, meanC) = KahanInc(delta / count, mean, meanC);
            (m2, m2C) = KahanInc(delta * (v - (mean + meanC)), m2, m2C);
        }

        return (m2 + m2C) / values.Count;
    }

    internal static double Quantile(double q, List<double> values)
    {
        if (values.Count == 0 || double.IsNaN(q))
        {
            return double.NaN;
        }

        if (q < 0)
        {
            return double.NegativeInfinity;
        }

        if (q > 1)
        {
            return double.PositiveInfinity;
        }

        values.Sort();
        var n = values.Count;
        var rank = q * (n - 1);
        var lower = Math.Max(0, (int)Math.Floor(rank));
        var upper = Math.Min(n - 1, lower + 1);
        var weight = rank - Math.Floor(rank);
        return (values[lower] * (1 - weight)) + (values[upper] * weight);
    }
}
