using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>
/// Evaluates PromQL (upstream's promql/engine.go): instant queries, and range queries step by
/// step. Series are selected once per query, then every step is evaluated in memory.
/// </summary>
public sealed class PromQLEngine(ISeriesSource source, PromQLEngineOptions? options = null)
{
    private readonly PromQLEngineOptions _options = Validated(options ?? new PromQLEngineOptions());

    /// <summary>An instant query at <paramref name="timeMs"/>.</summary>
    /// <exception cref="PromQLEvaluationException">Evaluation failed, the query exceeded <see cref="PromQLEngineOptions.MaxSamples"/>
    /// or <see cref="PromQLEngineOptions.Timeout"/>, or <paramref name="cancellationToken"/> was canceled (see its ErrorType).</exception>
    public Task<QueryResult> InstantQueryAsync(Expr expr, long timeMs, CancellationToken cancellationToken = default) =>
        RunAsync(expr, timeMs, timeMs, 0, instant: true, cancellationToken);

    /// <summary>A range query from <paramref name="startMs"/> to <paramref name="endMs"/> every <paramref name="stepMs"/>.</summary>
    /// <exception cref="PromQLEvaluationException">As for <see cref="InstantQueryAsync"/>.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The step is not positive or the end is before the start (the HTTP layer's checks).</exception>
    public Task<QueryResult> RangeQueryAsync(Expr expr, long startMs, long endMs, long stepMs, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(stepMs, 0);
        ArgumentOutOfRangeException.ThrowIfLessThan(endMs, startMs);
        return RunAsync(expr, startMs, endMs, stepMs, instant: false, cancellationToken);
    }

    private static PromQLEngineOptions Validated(PromQLEngineOptions options)
    {
        options.Validate();
        return options;
    }

    private async Task<QueryResult> RunAsync(Expr expr, long start, long end, long step, bool instant, CancellationToken ct)
    {
        ArgumentNullException.ThrowIfNull(expr);
        using var limiter = new QueryLimiter(_options, ct);
        limiter.ThrowIfStopped(QueryLimiter.ExecutionStage);
        var lookback = (long)_options.LookbackDelta.TotalMilliseconds;
        var ev = new Evaluator(start, end, lookback, (long)_options.DefaultEvaluationInterval.TotalMilliseconds) { Step = step, Limiter = limiter, TypeAndUnitLabels = _options.EnableTypeAndUnitLabels, SeriesMajorRangeFunctions = _options.SeriesMajorRangeFunctions };
        try
        {
            await LoadAsync(ev, expr, start, end, lookback, limiter).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (limiter.IsStopped)
        {
            limiter.ThrowIfStopped();
            throw;
        }

        if (instant)
        {
            var v = ev.Eval(expr, start);
            return v switch
            {
                ScalarValue s => new QueryResult { Type = ExprType.Scalar, Scalar = new Sample(start, s.V), Annotations = ev.Annotations.ToList(), PeakSamples = limiter.Peak },
                StringValue s => new QueryResult { Type = ExprType.String, StringValue = s.S, Annotations = ev.Annotations.ToList(), PeakSamples = limiter.Peak },
                VectorValue vec => new QueryResult
                {
                    Type = ExprType.Vector,
                    Series = vec.Samples.Select(x => new ResultSeries(x.Metric, [new Sample(start, x.F)])).ToArray(),
                    Annotations = ev.Annotations.ToList(),
                    PeakSamples = limiter.Peak,
                },
                MatrixValue m => new QueryResult
                {
                    Type = ExprType.Matrix,
                    Series = m.Series.Where(s => s.Points.Count > 0).Select(s => new ResultSeries(s.Metric, s.Points)).ToArray(),
                    Annotations = ev.Annotations.ToList(),
                    PeakSamples = limiter.Peak,
                },
                _ => throw new InvalidOperationException("unexpected value"),
            };
        }

        if (expr.Type is not (ExprType.Scalar or ExprType.Vector))
        {
            throw new PromQLEvaluationException($"invalid expression type \"{expr.Type.Name()}\" for range query, must be Scalar or instant Vector");
        }

        if (start != end)
        {
            ev.WarnAboutSorting(expr);
        }

        var series = new Dictionary<LabelSet, List<Sample>>();
        var order = new List<LabelSet>();
        var seen = new HashSet<LabelSet>();
        var lastMetrics = new List<LabelSet>();
        var lastLists = new List<List<Sample>>();

        // As upstream: a step's intermediates are dropped after it, the output points gathered so far stay held.
        long held = 0;
        for (var t = start; t <= end; t += step)
        {
            limiter.Current = held;
            var v = ev.Eval(expr, t);
            if (v is ScalarValue s)
            {
                Append(LabelSet.Empty, new Sample(t, s.V));
                held++;
            }
            else if (v is VectorValue vec)
            {
                var samples = vec.Samples;
                if (SameSeriesAsLastStep(samples))
                {
                    // The same label sets in the same order as the step before (the common case):
                    // already known distinct, and each one's list is at hand.
                    for (var i = 0; i < samples.Count; i++)
                    {
                        lastLists[i].Add(new Sample(t, samples[i].F));
                    }
                }
                else
                {
                    seen.Clear();
                    lastMetrics.Clear();
                    lastLists.Clear();
                    foreach (var x in samples)
                    {
                        if (!seen.Add(x.Metric))
                        {
                            throw new PromQLEvaluationException("vector cannot contain metrics with the same labelset");
                        }

                        lastMetrics.Add(x.Metric);
                        lastLists.Add(Append(x.Metric, new Sample(t, x.F)));
                    }
                }

                held += samples.Count;
            }
        }

        return new QueryResult
        {
            Type = ExprType.Matrix,
            Series = order.Order(Comparer<LabelSet>.Create(LabelSet.Compare)).Select(l => new ResultSeries(l, series[l])).ToArray(),
            Annotations = ev.Annotations.ToList(),
            PeakSamples = limiter.Peak,
        };

        List<Sample> Append(LabelSet l, Sample p)
        {
            if (!series.TryGetValue(l, out var list))
            {
                // Room for the steps left (a series usually lasts), within reason.
                list = new List<Sample>((int)Math.Min((end - p.TimestampMs) / step + 1, 1024));
                series[l] = list;
                order.Add(l);
            }

            list.Add(p);
            return list;
        }

        bool SameSeriesAsLastStep(List<VSample> samples)
        {
            if (samples.Count != lastMetrics.Count || samples.Count == 0)
            {
                return false;
            }

            for (var i = 0; i < samples.Count; i++)
            {
                if (!ReferenceEquals(samples[i].Metric, lastMetrics[i]))
                {
                    return false;
                }
            }

            return true;
        }
    }

    /// <summary>Selects every selector's series over the widest window any step can need.</summary>
    private async Task LoadAsync(Evaluator ev, Expr root, long start, long end, long lookback, QueryLimiter limiter)
    {
        var windows = new List<(VectorSelector Selector, long Min, long Max)>();
        Collect(root, start, end);

        // Scratch lists shared by all series (cleared per series, copied out exactly).
        var ts = new List<long>();
        var vs = new List<double>();
        foreach (var (sel, min, max) in windows)
        {
            var found = await source.SelectAsync(sel.Matchers, min, max, limiter.Token).ConfigureAwait(false);
            var loaded = new List<LoadedSeries>(found.Count);
            foreach (var s in found)
            {
                limiter.ThrowIfStopped();
                ts.Clear();
                vs.Clear();
                if (s is IBulkSourceSeries bulk)
                {
                    // Copied a whole series at once: counted per series (the deadline is checked before each).
                    bulk.AppendTo(min, max, ts, vs);
                    limiter.AddSelected(ts.Count);
                    loaded.Add(new LoadedSeries(s.Labels, ts.ToArray(), vs.ToArray()));
                    continue;
                }

                var it = s.Iterator();
                var uncounted = 0;
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

                        // Selected samples stay in memory for the whole query: counted (and the deadline checked) in chunks.
                        if (++uncounted == 1 << 16)
                        {
                            limiter.AddSelected(uncounted);
                            limiter.ThrowIfStopped();
                            uncounted = 0;
                        }
                    }
                    while (it.MoveNext());
                }

                limiter.AddSelected(uncounted);

                loaded.Add(new LoadedSeries(s.Labels, ts.ToArray(), vs.ToArray()));
            }

            ev.Series[sel] = loaded;
        }

        // [from, to] is the span of times at which e is evaluated; @ pins it, offsets shift it.
        void Collect(Expr e, long from, long to)
        {
            switch (e)
            {
                case VectorSelector v:
                    Add(v, from, to, lookback);
                    return;
                case MatrixSelector m:
                    // A range selector needs its window only, not the lookback before it.
                    Add(m.Selector, from, to, (long)m.Range.TotalMilliseconds);
                    return;
                case SubqueryExpr q:
                    {
                        var (f, t) = Shift(q.Timestamp, q.At, q.OriginalOffset, from, to);
                        Collect(q.Expr, f - (long)q.Range.TotalMilliseconds, t);
                        return;
                    }

                default:
                    foreach (var c in ExprWalker.Children(e))
                    {
                        Collect(c, from, to);
                    }

                    return;
            }
        }

        void Add(VectorSelector v, long from, long to, long window)
        {
            var (f, t) = Shift(v.Timestamp, v.At, v.OriginalOffset, from, to);
            windows.Add((v, f - window, t));
        }

        (long From, long To) Shift(long? at, AtModifier atMod, TimeSpan offset, long from, long to)
        {
            var (f, t) = atMod switch
            {
                AtModifier.Start => (start, start),
                AtModifier.End => (end, end),
                _ => at is { } pinned ? (pinned, pinned) : (from, to),
            };
            var off = (long)offset.TotalMilliseconds;
            return (f - off, t - off);
        }
    }
}
