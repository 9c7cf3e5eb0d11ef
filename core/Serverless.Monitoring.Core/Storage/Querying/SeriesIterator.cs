using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage.Blocks;
using Serverless.Monitoring.Core.Storage.Chunks;

namespace Serverless.Monitoring.Core.Storage.Querying;

/// <summary>
/// Iterates the samples of one series within the query's [min, max] time range, merging the
/// chunk runs of every block that holds the series (a run is one block's chunks, in time order).
/// Samples at one timestamp from several blocks come out once, resolved with
/// <see cref="SampleConflict"/>. Seekable forward; not thread-safe. Call <see cref="MoveNext"/>
/// or <see cref="Seek"/> before reading the current sample.
/// </summary>
public sealed class SeriesIterator
{
    private readonly RunCursor[] _runs;
    private readonly long _minTimeMs;
    private readonly long _maxTimeMs;
    private bool _started;
    private bool _done;
    private long _t;
    private double _v;

    internal SeriesIterator(IReadOnlyList<BlockChunk[]> runs, long minTimeMs, long maxTimeMs)
    {
        _runs = runs.Select(r => new RunCursor(r)).ToArray();
        _minTimeMs = minTimeMs;
        _maxTimeMs = maxTimeMs;
    }

    /// <summary>Timestamp of the current sample.</summary>
    public long Timestamp => _t;

    /// <summary>Value of the current sample, bit-exact.</summary>
    public double Value => _v;

    /// <summary>The current sample.</summary>
    public Sample Current => new(_t, _v);

    /// <summary>Moves to the next sample; false at the end.</summary>
    public bool MoveNext()
    {
        if (_done)
        {
            return false;
        }

        if (!_started)
        {
            return Seek(_minTimeMs);
        }

        foreach (var run in _runs)
        {
            if (run.Valid && run.T == _t)
            {
                run.Next();
            }
        }

        return Settle();
    }

    /// <summary>
    /// Moves to the first sample at or after <paramref name="timestampMs"/>, staying put when the
    /// current one qualifies (never backwards); false when none remains.
    /// </summary>
    public bool Seek(long timestampMs)
    {
        if (_done)
        {
            return false;
        }

        if (_started && _t >= timestampMs)
        {
            return true;
        }

        _started = true;
        timestampMs = Math.Max(timestampMs, _minTimeMs);
        foreach (var run in _runs)
        {
            run.Seek(timestampMs);
        }

        return Settle();
    }

    /// <summary>
    /// Appends every sample in [<paramref name="fromMs"/>, <paramref name="toMs"/>] (within the
    /// query's range) to <paramref name="timestamps"/> and <paramref name="values"/>, as
    /// <see cref="Seek"/> then <see cref="MoveNext"/> would yield them; a series held by one block
    /// is read straight from its chunks. Call on a fresh iterator.
    /// </summary>
    internal void AppendTo(long fromMs, long toMs, List<long> timestamps, List<double> values)
    {
        toMs = Math.Min(toMs, _maxTimeMs);
        if (_runs.Length != 1)
        {
            if (Seek(fromMs))
            {
                do
                {
                    if (_t > toMs)
                    {
                        break;
                    }

                    timestamps.Add(_t);
                    values.Add(_v);
                }
                while (MoveNext());
            }

            return;
        }

        var run = _runs[0];
        run.Seek(Math.Max(fromMs, _minTimeMs));
        while (run.Valid && run.T <= toMs)
        {
            timestamps.Add(run.T);
            values.Add(run.V);
            run.Next();
        }

        _started = true;
        _done = true;
    }

    private bool Settle()
    {
        var found = false;
        long t = 0;
        double v = 0;
        foreach (var run in _runs)
        {
            if (!run.Valid)
            {
                continue;
            }

            if (!found || run.T < t)
            {
                found = true;
                t = run.T;
                v = run.V;
            }
            else if (run.T == t)
            {
                v = SampleConflict.Resolve(v, run.V);
            }
        }

        if (!found || t > _maxTimeMs)
        {
            _done = true;
            return false;
        }

        _t = t;
        _v = v;
        return true;
    }

    /// <summary>A position in one block's chunks of the series.</summary>
    private sealed class RunCursor(BlockChunk[] chunks)
    {
        private XorChunkIterator? _it;
        private int _index = -1;

        public bool Valid { get; private set; }

        public long T { get; private set; }

        public double V { get; private set; }

        public void Next()
        {
            while (true)
            {
                if (_it is not null && _it.MoveNext())
                {
                    Set();
                    return;
                }

                if (!Open(_index + 1))
                {
                    return;
                }
            }
        }

        public void Seek(long t)
        {
            if ((Valid && T >= t) || _index >= chunks.Length)
            {
                return;
            }

            // Skip whole chunks that end before t.
            var target = Math.Max(_index, 0);
            while (target < chunks.Length && chunks[target].Meta.MaxTimeMs < t)
            {
                target++;
            }

            if (target != _index && !Open(target))
            {
                return;
            }

            while (true)
            {
                if (_it!.Seek(t))
                {
                    Set();
                    return;
                }

                if (!Open(_index + 1))
                {
                    return;
                }
            }
        }

        private bool Open(int index)
        {
            _index = index;
            if (index >= chunks.Length)
            {
                Valid = false;
                _it = null;
                return false;
            }

            if (_it is null)
            {
                _it = new XorChunkIterator(chunks[index].Data);
            }
            else
            {
                _it.Reset(chunks[index].Data);
            }

            return true;
        }

        private void Set()
        {
            Valid = true;
            T = _it!.Timestamp;
            V = _it.Value;
        }
    }
}
