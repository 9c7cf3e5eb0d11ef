using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Evaluates an expression at one time over pre-selected series (upstream's evaluator, one step at a time).</summary>
internal sealed partial class Evaluator(long start, long end, long lookback, long defaultInterval)
{
    public Dictionary<VectorSelector, List<LoadedSeries>> Series { get; } = [];

    public long DefaultInterval { get; } = defaultInterval;

    /// <summary>The range query's step (0 for an instant query), for <c>step()</c>.</summary>
    public long Step { get; init; }

    public long Start => start;

    public long End => end;

    public List<string> Warnings { get; } = [];

    public List<string> Infos { get; } = [];

    public Value Eval(Expr e, long t)
    {
        switch (e)
        {
            case NumberLiteral n:
                return new ScalarValue(n.Value);
            case StringLiteral s:
                return new StringValue(s.Value);
            case ParenExpr p:
                return Eval(p.Expr, t);
            case StepInvariantExpr si:
                return Eval(si.Expr, t);
            case UnaryExpr u:
                {
                    var v = Eval(u.Expr, t);
                    if (u.Op != TokenKind.Sub)
                    {
                        return v;
                    }

                    return v switch
                    {
                        ScalarValue s => new ScalarValue(-s.V),
                        VectorValue vec => CheckDuplicates(new VectorValue(vec.Samples.Select(x => new VSample(DropName(x.Metric), t, -x.F)).ToList())),
                        _ => v,
                    };
                }

            case VectorSelector vs:
                return SelectInstant(vs, t);
            case MatrixSelector ms:
                return SelectRange(ms, t);
            case SubqueryExpr sq:
                return EvalSubquery(sq, t);
            case BinaryExpr b:
                return EvalBinary(b, t);
            case AggregateExpr a:
                return EvalAggregate(a, t);
            case CallExpr c:
                return EvalCall(c, t);
            default:
                throw new PromQLEvaluationException($"unhandled expression of type {e.GetType().Name}");
        }
    }

    private long RefTime(long t, long? at, AtModifier atMod, TimeSpan offset)
    {
        var baseT = atMod switch
        {
            AtModifier.Start => start,
            AtModifier.End => end,
            _ => at ?? t,
        };
        return baseT - (long)offset.TotalMilliseconds;
    }

    private VectorValue SelectInstant(VectorSelector vs, long t)
    {
        var refT = RefTime(t, vs.Timestamp, vs.At, vs.OriginalOffset);
        var result = new List<VSample>();
        var series = Series[vs];
        var hints = InstantHints(vs, series.Count);
        for (var n = 0; n < series.Count; n++)
        {
            var s = series[n];
            var i = s.LastAtOrBefore(refT, ref hints[n]);
            if (i < 0 || s.Ts[i] <= refT - lookback || StaleMarker.IsStale(s.Vs[i]))
            {
                continue;
            }

            result.Add(new VSample(s.Labels, s.Ts[i], s.Vs[i]));
        }

        return new VectorValue(result);
    }

    private MatrixValue SelectRange(MatrixSelector ms, long t)
    {
        var vs = ms.Selector;
        var refT = RefTime(t, vs.Timestamp, vs.At, vs.OriginalOffset);
        var from = refT - (long)ms.Range.TotalMilliseconds;
        var result = new List<MSeries>();
        foreach (var s in Series[vs])
        {
            var first = s.LastAtOrBefore(from) + 1;
            var last = s.LastAtOrBefore(refT);
            List<Sample>? points = null;
            for (var i = first; i <= last; i++)
            {
                if (StaleMarker.IsStale(s.Vs[i]))
                {
                    continue;
                }

                (points ??= RentPoints(last - i + 1)).Add(new Sample(s.Ts[i], s.Vs[i]));
            }

            if (points is not null)
            {
                result.Add(new MSeries(s.Labels, points));
            }
        }

        return new MatrixValue(result, from, refT);
    }

    private MatrixValue EvalSubquery(SubqueryExpr sq, long t)
    {
        var refT = RefTime(t, sq.Timestamp, sq.At, sq.OriginalOffset);
        var step = sq.Step > TimeSpan.Zero ? (long)sq.Step.TotalMilliseconds : DefaultInterval;
        var from = refT - (long)sq.Range.TotalMilliseconds;
        var first = from - Mod(from, step);
        if (first <= from)
        {
            first += step;
        }

        var byLabels = new Dictionary<LabelSet, MSeries>();
        var order = new List<MSeries>();
        for (var ts = first; ts <= refT; ts += step)
        {
            var v = Eval(sq.Expr, ts);
            if (v is ScalarValue s)
            {
                Add(LabelSet.Empty, ts, s.V);
            }
            else if (v is VectorValue vec)
            {
                foreach (var x in vec.Samples)
                {
                    Add(x.Metric, ts, x.F);
                }
            }
        }

        return new MatrixValue(order, from, refT);

        void Add(LabelSet l, long ts, double f)
        {
            if (!byLabels.TryGetValue(l, out var m))
            {
                m = new MSeries(l, []);
                byLabels[l] = m;
                order.Add(m);
            }

            m.Points.Add(new Sample(ts, f));
        }
    }

    private static long Mod(long a, long b)
    {
        var m = a % b;
        return m < 0 ? m + b : m;
    }

    internal static LabelSet DropName(LabelSet l) => l.WithoutMetricName();

    internal static VectorValue CheckDuplicates(VectorValue v)
    {
        if (v.Samples.Count > 1)
        {
            var seen = new HashSet<LabelSet>();
            foreach (var x in v.Samples)
            {
                if (!seen.Add(x.Metric))
                {
                    throw new PromQLEvaluationException("vector cannot contain metrics with the same labelset");
                }
            }
        }

        return v;
    }
}
