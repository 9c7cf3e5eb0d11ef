using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>An in-memory <see cref="ISeriesSource"/> (the test-script runner's storage). Appends are additive per label set.</summary>
public sealed class InMemorySeriesSource : ISeriesSource
{
    private readonly Dictionary<LabelSet, SortedList<long, double>> _series = [];

    /// <summary>Adds (or overwrites) one sample.</summary>
    public void Add(LabelSet labels, long timestampMs, double value)
    {
        ArgumentNullException.ThrowIfNull(labels);
        if (!_series.TryGetValue(labels, out var samples))
        {
            samples = [];
            _series[labels] = samples;
        }

        samples[timestampMs] = value;
    }

    /// <summary>Drops all data.</summary>
    public void Clear() => _series.Clear();

    /// <inheritdoc />
    public Task<IReadOnlyList<ISourceSeries>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(matchers);
        var result = new List<ISourceSeries>();
        foreach (var (labels, samples) in _series)
        {
            if (matchers.All(m => m.Matches(labels)))
            {
                result.Add(new Series(labels, samples.Keys.ToArray(), samples.Values.ToArray()));
            }
        }

        result.Sort((a, b) => LabelSet.Compare(a.Labels, b.Labels));
        return Task.FromResult<IReadOnlyList<ISourceSeries>>(result);
    }

    private sealed class Series(LabelSet labels, long[] ts, double[] vs) : ISourceSeries
    {
        public LabelSet Labels => labels;

        public ISampleIterator Iterator() => new ArrayIterator(ts, vs);
    }

    private sealed class ArrayIterator(long[] ts, double[] vs) : ISampleIterator
    {
        private int _i = -1;

        public long Timestamp => ts[_i];

        public double Value => vs[_i];

        public bool MoveNext() => ++_i < ts.Length || Stop();

        public bool Seek(long timestampMs)
        {
            if (_i < 0)
            {
                _i = 0;
            }

            while (_i < ts.Length && ts[_i] < timestampMs)
            {
                _i++;
            }

            return _i < ts.Length;
        }

        private bool Stop()
        {
            _i = ts.Length;
            return false;
        }
    }
}
