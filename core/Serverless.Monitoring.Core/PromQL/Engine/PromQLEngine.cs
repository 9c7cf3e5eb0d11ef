using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>Engine settings.</summary>
public sealed record EngineOptions
{
    /// <summary>How far back an instant selector looks for a sample (5 minutes).</summary>
    public TimeSpan LookbackDelta { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Subquery step when none is written (1 minute).</summary>
    public TimeSpan DefaultEvaluationInterval { get; init; } = TimeSpan.FromMinutes(1);
}

/// <summary>
/// Evaluates PromQL (upstream's promql/engine.go): instant queries, and range queries step by
/// step. Series are selected once per query, then every step is evaluated in memory.
/// </summary>
public sealed class PromQLEngine(ISeriesSource source, EngineOptions? options = null)
{
    private readonly EngineOptions _options = options ?? new EngineOptions();

    /// <summary>An instant query at <paramref name="timeMs"/>.</summary>
    public Task<QueryResult> InstantQueryAsync(Expr expr, long timeMs, CancellationToken cancellationToken = default) =>
        RunAsync(expr, timeMs, timeMs, 0, instant: true, cancellationToken);

    /// <summary>A range query from <paramref name="startMs"/> to <paramref name="endMs"/> every <paramref name="stepMs"/>.</summary>
    public Task<QueryResult> RangeQueryAsync(Expr expr, long startMs, long endMs, long stepMs, CancellationToken cancellationToken = default) =>
        RunAsync(expr, startMs, endMs, stepMs, instant: false, cancellationToken);

    private async Task<QueryResult> RunAsync(Expr expr, long start, long end, long step, bool instant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(expr);
        var lookback = (long)_options.LookbackDelta.TotalMilliseconds;
        var ev = new Evaluator(start, end, lookback, (long)_options.DefaultEvaluationInterval.TotalMilliseconds) { Step = step };
        await LoadAsync(ev, expr, start, end, lookback, ct).ConfigureAwait(false);

        if (instant)
        {
            var v = ev.Eval(expr, start);
            return v switch
            {
                ScalarValue s => new QueryResult { Type = ExprType.Scalar, Scalar = new Sample(start, s.V), Warnings = ev.Warnings, Infos = ev.Infos },
                StringValue s => new QueryResult { Type = ExprType.String, StringValue = s.S, Warnings = ev.Warnings, Infos = ev.Infos },
                VectorValue vec => new QueryResult
                {
                    Type = ExprType.Vector,
                    Series = vec.Samples.Select(x => new ResultSeries(x.Metric, [new Sample(start, x.F)])).ToArray(),
                    Warnings = ev.Warnings,
                    Infos = ev.Infos,
                },
                MatrixValue m => new QueryResult
                {
                    Type = ExprType.Matrix,
                    Series = m.Series.Where(s => s.Points.Count > 0).Select(s => new ResultSeries(s.Metric, s.Points)).ToArray(),
                    Warnings = ev.Warnings,
                    Infos = ev.Infos,
                },
                _ => throw new InvalidOperationException("unexpected value"),
            };
        }

        if (expr.Type is not (ExprType.Scalar or ExprType.Vector))
        {
            throw new PromQLEvaluationException($"invalid expression type \"{expr.Type.Name()}\" for range query, must be Scalar or instant Vector");
        }

        if (start != end && ExprWalker.Descendants(expr).Any(e => e is CallExpr { Function.Name: "sort" or "sort_desc" or "sort_by_label" or "sort_by_label_desc" }))
        {
            ev.Warnings.Add("PromQL warning: sorting functions have no effect on the order of range query results");
        }

        var series = new Dictionary<LabelSet, List<Sample>>();
        var order = new List<LabelSet>();
        for (var t = start; t <= end; t += step)
        {
            ct.ThrowIfCancellationRequested();
            var v = ev.Eval(expr, t);
            if (v is ScalarValue s)
            {
                Append(LabelSet.Empty, new Sample(t, s.V));
            }
            else if (v is VectorValue vec)
            {
                var seen = new HashSet<LabelSet>();
                foreach (var x in vec.Samples)
                {
                    if (!seen.Add(x.Metric))
                    {
                        throw new PromQLEvaluationException("vector cannot contain metrics with the same labelset");
                    }

                    Append(x.Metric, new Sample(t, x.F));
                }
            }
        }

        return new QueryResult
        {
            Type = ExprType.Matrix,
            Series = order.Order(Comparer<LabelSet>.Create(LabelSet.Compare)).Select(l => new ResultSeries(l, series[l])).ToArray(),
            Warnings = ev.Warnings,
            Infos = ev.Infos,
        };

        void Append(LabelSet l, Sample p)
        {
            if (!series.TryGetValue(l, out var list))
            {
                list = [];
                series[l] = list;
                order.Add(l);
            }

            list.Add(p);
        }
    }

    /// <summary>Selects every selector's series over the widest window any step can need.</summary>
    private async Task LoadAsync(Evaluator ev, Expr root, long start, long end, long lookback, CancellationToken ct)
    {
        var windows = new List<(VectorSelector Selector, long Min, long Max)>();
        Collect(root, 0, 0, false);
        // Scratch lists shared by all series (cleared per series, copied out exactly).
        var ts = new List<long>();
        var vs = new List<double>();
        foreach (var (sel, min, max) in windows)
        {
            var found = await source.SelectAsync(sel.Matchers, min, max, ct).ConfigureAwait(false);
            var loaded = new List<LoadedSeries>(found.Count);
            foreach (var s in found)
            {
                ts.Clear();
                vs.Clear();
                if (s is IBulkSourceSeries bulk)
                {
                    bulk.AppendTo(min, max, ts, vs);
                    loaded.Add(new LoadedSeries(s.Labels, ts.ToArray(), vs.ToArray()));
                    continue;
                }

                var it = s.Iterator();
                if (it.Seek(min))
                {
                    do
                    {
                        if (it.Timestamp > max)
                        {
                            break;
                        }

                        ts.Add(it.Timestamp);
                        vs.Add(it.Value);
                    }
                    while (it.MoveNext());
                }

                loaded.Add(new LoadedSeries(s.Labels, ts.ToArray(), vs.ToArray()));
            }

            ev.Series[sel] = loaded;
        }

        void Collect(Expr e, long before, long offset, bool pinned)
        {
            switch (e)
            {
                case VectorSelector v:
                    Add(v, before + lookback, offset, pinned);
                    return;
                case MatrixSelector m:
                    // A range selector reads only its range: no lookback before it.
                    Add(m.Selector, before + (long)m.Range.TotalMilliseconds, offset, pinned);
                    return;
                case SubqueryExpr q:
                    Collect(q.Expr, before + (long)q.Range.TotalMilliseconds + ev.DefaultInterval, offset + (long)q.OriginalOffset.TotalMilliseconds, pinned || q.Timestamp is not null || q.At != AtModifier.None);
                    return;
                default:
                    foreach (var c in ExprWalker.Children(e))
                    {
                        Collect(c, before, offset, pinned);
                    }

                    return;
            }
        }

        void Add(VectorSelector v, long before, long offset, bool pinned)
        {
            if (pinned || v.Timestamp is not null || v.At != AtModifier.None)
            {
                windows.Add((v, long.MinValue / 4, long.MaxValue / 4));
                return;
            }

            var off = offset + (long)v.OriginalOffset.TotalMilliseconds;
            windows.Add((v, start - before - off, end - off));
        }
    }
}
