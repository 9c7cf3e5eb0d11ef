using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Evaluates an expression at one time over pre-selected series (upstream's evaluator, one step at a time).</summary>
internal sealed partial class Evaluator(long start, long end, long lookback, long defaultInterval)
{
    public Dictionary<VectorSelector, List<LoadedSeries>> Series { get; } = [];

    public long DefaultInterval { get; } = defaultInterval;

    /// <summary>The range query's step (0 for an instant query), for <c>step()</c>.</summary>
    public long Step { get; init; }

    /// <summary>Judge counters by their <c>__type__</c> label instead of their name (upstream's type-and-unit labels).</summary>
    public bool TypeAndUnitLabels { get; init; }

    /// <summary>See <see cref="PromQLEngineOptions.SeriesMajorRangeFunctions"/>.</summary>
    public bool SeriesMajorRangeFunctions { get; init; } = true;

    public long Start => start;

    public long End => end;

    /// <summary>The query's warnings and infos.</summary>
    public AnnotationSet Annotations { get; } = new();

    /// <summary>The query's sample budget and deadline.</summary>
    public required QueryLimiter Limiter { get; init; }

    /// <summary>Evaluates <paramref name="e"/> at <paramref name="t"/>, counting the samples its value holds.</summary>
    public Value Eval(Expr e, long t)
    {
        Limiter.ThrowIfStopped();
        var v = EvalNode(e, t);
        if (e is not (ParenExpr or StepInvariantExpr or UnaryExpr { Op: not TokenKind.Sub }))
        {
            Limiter.Add(QueryLimiter.CountSamples(v));
        }

        return v;
    }

    private Value EvalNode(Expr e, long t)
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
        var series = Series[vs];
        var result = new List<VSample>(series.Count); // most series have a sample at most steps
        var hints = InstantHints(vs, series.Count);
        var seen = 0;
        for (var n = 0; n < series.Count; n++)
        {
            CheckEvery(ref seen);
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
        var n = 0;
        foreach (var s in Series[vs])
        {
            CheckEvery(ref n);
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

        if (first < refT)
        {
            // A subquery of several steps is a range evaluation of its own: sorting in it is ineffective (as upstream warns).
            WarnAboutSorting(sq.Expr);
        }

        var byLabels = new Dictionary<LabelSet, MSeries>();
        var order = new List<MSeries>();

        // As upstream: each inner step's intermediates are dropped, the points gathered so far are held.
        var held = Limiter.Current;
        long points = 0;
        for (var ts = first; ts <= refT; ts += step)
        {
            Limiter.Current = held + points;
            var v = Eval(sq.Expr, ts);
            if (v is ScalarValue s)
            {
                Add(LabelSet.Empty, ts, s.V);
                points++;
            }
            else if (v is VectorValue vec)
            {
                foreach (var x in vec.Samples)
                {
                    Add(x.Metric, ts, x.F);
                }

                points += vec.Samples.Count;
            }
        }

        Limiter.Current = held; // the result's points are counted by Eval
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

    /// <summary>Upstream's SortInRangeQueryWarning for every sort call in <paramref name="e"/>.</summary>
    public void WarnAboutSorting(Expr e)
    {
        foreach (var sort in ExprWalker.Descendants(e).Where(x => x is CallExpr { Function.Name: "sort" or "sort_desc" or "sort_by_label" or "sort_by_label_desc" }))
        {
            Annotations.Add(AnnotationSeverity.Warning, "PromQL warning: sort is ineffective for range queries since results are always ordered by labels", sort.Position);
        }
    }

    /// <summary>A deadline check every 1024 series of a selector: cheap, yet bounded between checks.</summary>
    private void CheckEvery(ref int n)
    {
        if ((++n & 1023) == 0)
        {
            Limiter.ThrowIfStopped();
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
