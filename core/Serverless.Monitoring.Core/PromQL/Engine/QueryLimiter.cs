using System.Diagnostics;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>
/// One query's sample budget and deadline (upstream's evaluator <c>currentSamples</c>/<c>maxSamples</c>
/// and its <c>contextDone</c> checks). Not thread-safe: a query is evaluated on one thread.
/// </summary>
internal sealed class QueryLimiter : IDisposable
{
    /// <summary>The stage named by errors raised before evaluation starts.</summary>
    public const string ExecutionStage = "query execution";

    /// <summary>The stage named by errors raised while selecting and evaluating.</summary>
    public const string EvaluationStage = "expression evaluation";

    private readonly CancellationToken _caller;
    private readonly CancellationTokenSource _stop;
    private readonly long _deadline;
    private readonly long _maxSamples;
    private readonly long _maxSelected;
    private long _selected;

    public QueryLimiter(PromQLEngineOptions options, CancellationToken caller)
    {
        _maxSamples = options.MaxSamples;
        _maxSelected = options.MaxSelectedSamples;
        var timeout = options.Timeout;
        _caller = caller;
        _stop = CancellationTokenSource.CreateLinkedTokenSource(caller);
        _deadline = long.MaxValue;
        if (timeout != Timeout.InfiniteTimeSpan)
        {
            // The Stopwatch deadline makes the checks exact; the timer cancels storage I/O in flight.
            _deadline = Stopwatch.GetTimestamp() + (long)Math.Min(timeout.TotalSeconds * Stopwatch.Frequency, long.MaxValue / 2);
            if (timeout.TotalMilliseconds < int.MaxValue)
            {
                _stop.CancelAfter(timeout);
            }
        }
    }

    /// <summary>Canceled by the caller or at the deadline: for storage calls.</summary>
    public CancellationToken Token => _stop.Token;

    /// <summary>Samples held right now (set back when a step's intermediates are dropped).</summary>
    public long Current { get; set; }

    /// <summary>
    /// Samples held across steps, outside <see cref="Current"/>: results computed ahead for later
    /// steps of a range query (series-major evaluation), not dropped with a step's intermediates.
    /// </summary>
    public long Retained { get; private set; }

    /// <summary>The most samples held at once so far.</summary>
    public long Peak { get; private set; }

    /// <summary>Counts <paramref name="samples"/> more held samples (negative: fewer); throws past the limit.</summary>
    public void Add(long samples)
    {
        Current += samples;
        CheckPeak();
    }

    /// <summary>Counts <paramref name="samples"/> more samples held across steps; throws past the limit.</summary>
    public void Retain(long samples)
    {
        Retained += samples;
        CheckPeak();
    }

    /// <summary>Samples held across steps handed over to a step (which counts them as its own) or dropped.</summary>
    public void Release(long samples) => Retained -= samples;

    /// <summary>Counts raw samples selected from storage (materialised for the whole query); throws past the limit.</summary>
    public void AddSelected(long samples)
    {
        _selected += samples;
        if (_selected > _maxSelected)
        {
            throw TooManySamples();
        }
    }

    /// <summary>Throws the canceled or timed-out error when the query must stop.</summary>
    public void ThrowIfStopped(string stage = EvaluationStage)
    {
        if (_caller.IsCancellationRequested)
        {
            throw new PromQLEvaluationException($"query was canceled in {stage}", PromQLErrorType.Canceled);
        }

        if (_stop.IsCancellationRequested || Stopwatch.GetTimestamp() > _deadline)
        {
            throw new PromQLEvaluationException($"query timed out in {stage}", PromQLErrorType.Timeout);
        }
    }

    /// <summary>True when <see cref="ThrowIfStopped"/> would throw (to translate a storage call's cancellation).</summary>
    public bool IsStopped => _stop.IsCancellationRequested || Stopwatch.GetTimestamp() > _deadline;

    public void Dispose() => _stop.Dispose();

    /// <summary>The number of samples a value holds: a scalar is one, a string none.</summary>
    public static long CountSamples(Value v) => v switch
    {
        ScalarValue => 1,
        VectorValue vec => vec.Samples.Count,
        MatrixValue m => SumPoints(m),
        _ => 0,
    };

    private static long SumPoints(MatrixValue m)
    {
        long n = 0;
        foreach (var s in m.Series)
        {
            n += s.Points.Count;
        }

        return n;
    }

    private void CheckPeak()
    {
        var held = Current + Retained;
        if (held > Peak)
        {
            Peak = held;
            if (held > _maxSamples)
            {
                throw TooManySamples();
            }
        }
    }

    private static PromQLEvaluationException TooManySamples() =>
        new($"query processing would load too many samples into memory in {ExecutionStage}", PromQLErrorType.Execution);
}
