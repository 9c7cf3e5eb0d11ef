using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>
/// Range queries evaluate a function over a range selector (<c>rate(x[5m])</c>, <c>avg_over_time(x[1h])</c>)
/// series by series across all steps, as upstream's range evaluation does, instead of step by
/// step: each series' window slides forward through its samples (no search, one buffer), and
/// its samples stay in cache while all steps are computed. The result of every step is kept
/// and handed out when the step loop asks for it. A call first asked for at another time than
/// the query's start (inside a subquery) is evaluated step by step as before. An instant query
/// is a range query of one step here, so it holds one series' window at a time, as upstream.
/// </summary>
internal sealed partial class Evaluator
{
    private readonly Dictionary<CallExpr, List<VSample>?[]?> _seriesMajor = new(ReferenceEqualityComparer.Instance);

    /// <summary>The call's precomputed vector at <paramref name="t"/>, when <paramref name="t"/> is a step of this range query and the call was precomputed.</summary>
    private bool TrySeriesMajor(CallExpr c, MatrixSelector selector, long t, out VectorValue result)
    {
        result = null!;
        var instant = Step <= 0; // an instant query: its one step at start
        if (!SeriesMajorRangeFunctions || (instant ? t != start : t < start || t > end || (t - start) % Step != 0))
        {
            return false;
        }

        if (!_seriesMajor.TryGetValue(c, out var steps))
        {
            // Only a call the step loop reaches first (at the start) is precomputed.
            steps = t == start ? Precompute(c, selector) : null;
            _seriesMajor[c] = steps;
        }

        var k = instant ? 0 : (int)((t - start) / Step);
        if (steps?[k] is not { } samples)
        {
            return false;
        }

        steps[k] = null; // handed over: asked again for this step (never in the step loop), it is evaluated anew
        Limiter.Release(samples.Count); // held by the step from now on: Eval counts it
        result = new VectorValue(samples);
        return true;
    }

    private List<VSample>?[] Precompute(CallExpr c, MatrixSelector selector)
    {
        var name = c.Function.Name;
        var (f, dropName) = OverTimeFunction(name);
        var vs = selector.Selector;
        var range = (long)selector.Range.TotalMilliseconds;
        var stepCount = Step > 0 ? checked((int)((end - start) / Step)) + 1 : 1;
        var series = Series[vs];
        var steps = new List<VSample>?[stepCount];
        for (var k = 0; k < stepCount; k++)
        {
            steps[k] = new List<VSample>(series.Count);
        }

        var points = new List<Sample>();
        var window = new MatrixValue([], 0, 0);
        var outputs = new HashSet<LabelSet>();
        var distinctOutputs = true;
        var endpoints = EndpointFunction(name);
        var staleBefore = Array.Empty<int>();
        var resetsBefore = Array.Empty<int>();
        foreach (var s in series)
        {
            // As upstream's range evaluation of a function over a range selector: the deadline is
            // checked per series; the series' window is held while it slides, its output points
            // once it is done (and kept for the later steps), the window dropped after.
            Limiter.ThrowIfStopped();
            var held = 0;
            var produced = 0;
            var one = new MSeries(s.Labels, points);
            window.Series.Clear();
            window.Series.Add(one);
            var metric = dropName ? DropName(s.Labels) : s.Labels;
            var noted = !NotesNonCounters(name);
            var counted = false;
            var first = 0; // the first sample after the window's start
            var last = 0; // the first sample after the window's end
            if (endpoints != EndpointKind.None)
            {
                CountStaleAndResets(s, ref staleBefore, ref resetsBefore);
            }

            for (var k = 0; k < stepCount; k++)
            {
                var t = start + (k * Step);
                var refT = RefTime(t, vs.Timestamp, vs.At, vs.OriginalOffset);
                var from = refT - range;
                while (first < s.Ts.Length && s.Ts[first] <= from)
                {
                    first++;
                }

                last = Math.Max(last, first);
                while (last < s.Ts.Length && s.Ts[last] <= refT)
                {
                    last++;
                }

                // No stale marker and no counter reset in the window: the function needs only its
                // ends (the same arithmetic as over the copied window, so the same bits).
                var fromEnds = endpoints != EndpointKind.None && last > first && staleBefore[last] == staleBefore[first]
                    && (!IsCounterFunction(endpoints) || last - first < 2 || resetsBefore[last] == resetsBefore[first + 1]);
                points.Clear();
                for (var i = first; !fromEnds && i < last; i++)
                {
                    if (!StaleMarker.IsStale(s.Vs[i]))
                    {
                        points.Add(new Sample(s.Ts[i], s.Vs[i]));
                    }
                }

                var count = fromEnds ? last - first : points.Count;
                Limiter.Add(count - held);
                held = count;
                if (count == 0)
                {
                    continue;
                }

                if (!noted && count >= 2)
                {
                    // Upstream notes a series only where it gives a result (two or more samples).
                    noted = true;
                    if (fromEnds)
                    {
                        // The note looks at the window's length only.
                        points.Add(new Sample(s.Ts[first], s.Vs[first]));
                        points.Add(new Sample(s.Ts[last - 1], s.Vs[last - 1]));
                    }

                    NoteNonCounters(c, window, new VectorValue([]));
                }

                window.RangeStart = from;
                window.RangeEnd = refT;
                var value = !fromEnds ? f(points, window)
                    : count >= 2 ? FromEndpoints(endpoints, s, first, last, from, refT)
                    : null;
                if (value is { } v)
                {
                    steps[k]!.Add(new VSample(metric, t, v));
                    produced++;
                    if (!counted)
                    {
                        counted = true;
                        distinctOutputs &= outputs.Add(metric);
                    }
                }
            }

            Limiter.Retain(produced);
            Limiter.Add(-held);
        }

        // Two series with the same labels once the name is dropped fail a step only if both have a value there.
        if (!distinctOutputs)
        {
            foreach (var step in steps)
            {
                CheckDuplicates(new VectorValue(step!));
            }
        }

        return steps;
    }

    /// <summary>Functions over a range whose value needs only the window's first and last samples (or last two), when the window has no stale marker (and, for counters, no reset).</summary>
    private enum EndpointKind
    {
        None,
        Rate,
        Increase,
        Delta,
        IRate,
        IDelta,
    }

    private static EndpointKind EndpointFunction(string name) => name switch
    {
        "rate" => EndpointKind.Rate,
        "increase" => EndpointKind.Increase,
        "delta" => EndpointKind.Delta,
        "irate" => EndpointKind.IRate,
        "idelta" => EndpointKind.IDelta,
        _ => EndpointKind.None,
    };

    private static bool IsCounterFunction(EndpointKind kind) => kind is EndpointKind.Rate or EndpointKind.Increase;

    private static double? FromEndpoints(EndpointKind kind, LoadedSeries s, int first, int last, long rangeStart, long rangeEnd)
    {
        var head = new Sample(s.Ts[first], s.Vs[first]);
        var tail = new Sample(s.Ts[last - 1], s.Vs[last - 1]);
        return kind is EndpointKind.IRate or EndpointKind.IDelta
            ? Instant(new Sample(s.Ts[last - 2], s.Vs[last - 2]), tail, isRate: kind == EndpointKind.IRate)
            : Extrapolate(tail.Value - head.Value, head, tail.TimestampMs, last - first, rangeStart, rangeEnd,
                isCounter: IsCounterFunction(kind), isRate: kind == EndpointKind.Rate);
    }

    /// <summary>
    /// Prefix counts over a series: <paramref name="staleBefore"/>[i] stale markers before sample i,
    /// <paramref name="resetsBefore"/>[i] samples before i lower than the one before them, so any
    /// window's counts are two lookups. The arrays are reused across series.
    /// </summary>
    private static void CountStaleAndResets(LoadedSeries s, ref int[] staleBefore, ref int[] resetsBefore)
    {
        var n = s.Ts.Length;
        if (staleBefore.Length < n + 1)
        {
            staleBefore = new int[n + 1];
            resetsBefore = new int[n + 1];
        }

        var vs = s.Vs;
        staleBefore[0] = 0;
        resetsBefore[0] = 0;
        for (var i = 0; i < n; i++)
        {
            staleBefore[i + 1] = staleBefore[i] + (StaleMarker.IsStale(vs[i]) ? 1 : 0);
            resetsBefore[i + 1] = resetsBefore[i] + (i > 0 && vs[i] < vs[i - 1] ? 1 : 0);
        }
    }
}
