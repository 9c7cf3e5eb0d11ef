using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// The storage as a rule sees it during a group evaluation: the host's source plus the samples
/// earlier rules of the same evaluation produced (upstream commits each rule's samples before the
/// next rule runs; here they travel through the bus, so they are laid over the storage instead).
/// An overlay sample wins over a stored one at the same time.
/// </summary>
/// <summary>What adding a sample to the overlay did.</summary>
internal enum OverlayAdd
{
    /// <summary>New: write it.</summary>
    Added,

    /// <summary>The same sample was already there: nothing to write, no error.</summary>
    Identical,

    /// <summary>Another value is there at that time: upstream's duplicate-sample error.</summary>
    Conflict,
}

internal sealed class EvaluationOverlay(ISeriesSource storage) : ISeriesSource
{
    private readonly Dictionary<LabelSet, List<Sample>> _series = [];
    private readonly Dictionary<string, List<LabelSet>> _byName = new(StringComparer.Ordinal);

    /// <summary>
    /// Adds a sample as upstream's head appender would: an identical sample at the same time is a
    /// no-op, a different one at the same time is refused (<paramref name="existing"/> is the kept value).
    /// </summary>
    public OverlayAdd Add(LabelSet labels, long timestampMs, double value, out double existing)
    {
        if (!_series.TryGetValue(labels, out var samples))
        {
            samples = new List<Sample>(1);
            _series[labels] = samples;
            var name = labels.MetricName;
            if (!_byName.TryGetValue(name, out var names))
            {
                names = [];
                _byName[name] = names;
            }

            names.Add(labels);
        }

        foreach (var s in samples)
        {
            if (s.TimestampMs == timestampMs)
            {
                existing = s.Value;
                return BitConverter.DoubleToUInt64Bits(s.Value) == BitConverter.DoubleToUInt64Bits(value) ? OverlayAdd.Identical : OverlayAdd.Conflict;
            }
        }

        samples.Add(new Sample(timestampMs, value));
        if (samples.Count > 1 && samples[^2].TimestampMs > timestampMs)
        {
            samples.Sort((a, b) => a.TimestampMs.CompareTo(b.TimestampMs));
        }

        existing = value;
        return OverlayAdd.Added;
    }

    public async Task<IReadOnlyList<ISourceSeries>> SelectAsync(IReadOnlyList<LabelMatcher> matchers, long minTimeMs, long maxTimeMs, CancellationToken cancellationToken)
    {
        var stored = await storage.SelectAsync(matchers, minTimeMs, maxTimeMs, cancellationToken).ConfigureAwait(false);
        if (_series.Count == 0)
        {
            return stored;
        }

        Dictionary<LabelSet, List<Sample>>? extra = null;
        foreach (var labels in Candidates(matchers))
        {
            if (!Matches(matchers, labels))
            {
                continue;
            }

            var samples = _series[labels];
            if (samples.Exists(s => s.TimestampMs >= minTimeMs && s.TimestampMs <= maxTimeMs))
            {
                extra ??= [];
                extra[labels] = samples;
            }
        }

        if (extra is null)
        {
            return stored;
        }

        var result = new List<ISourceSeries>(stored.Count + extra.Count);
        foreach (var s in stored)
        {
            if (extra.Remove(s.Labels, out var laid))
            {
                result.Add(Merged(s, laid, minTimeMs, maxTimeMs));
            }
            else
            {
                result.Add(s);
            }
        }

        foreach (var (labels, samples) in extra)
        {
            result.Add(new OverlaySeries(labels, [.. samples.Select(s => s.TimestampMs)], [.. samples.Select(s => s.Value)]));
        }

        result.Sort((a, b) => LabelSet.Compare(a.Labels, b.Labels));
        return result;
    }

    private IEnumerable<LabelSet> Candidates(IReadOnlyList<LabelMatcher> matchers)
    {
        foreach (var m in matchers)
        {
            if (m.Type == LabelMatchType.Equal && m.Name == LabelValidation.MetricNameLabel)
            {
                return _byName.TryGetValue(m.Value, out var named) ? named : [];
            }
        }

        return _series.Keys;
    }

    private static bool Matches(IReadOnlyList<LabelMatcher> matchers, LabelSet labels)
    {
        foreach (var m in matchers)
        {
            if (!m.Matches(labels))
            {
                return false;
            }
        }

        return true;
    }

    private static OverlaySeries Merged(ISourceSeries stored, List<Sample> laid, long minTimeMs, long maxTimeMs)
    {
        var merged = new SortedList<long, double>();
        var it = stored.Iterator();
        if (it.Seek(minTimeMs))
        {
            do
            {
                if (it.Timestamp > maxTimeMs)
                {
                    break;
                }

                merged[it.Timestamp] = it.Value;
            }
            while (it.MoveNext());
        }

        foreach (var s in laid)
        {
            merged[s.TimestampMs] = s.Value;
        }

        return new OverlaySeries(stored.Labels, [.. merged.Keys], [.. merged.Values]);
    }

    private sealed class OverlaySeries(LabelSet labels, long[] timestamps, double[] values) : ISourceSeries
    {
        public LabelSet Labels => labels;

        public ISampleIterator Iterator() => new ArrayIterator(timestamps, values);
    }

    private sealed class ArrayIterator(long[] timestamps, double[] values) : ISampleIterator
    {
        private int _i = -1;

        public long Timestamp => timestamps[_i];

        public double Value => values[_i];

        public bool MoveNext()
        {
            if (_i < timestamps.Length)
            {
                _i++;
            }

            return _i < timestamps.Length;
        }

        public bool Seek(long timestampMs)
        {
            _i = Math.Max(_i, 0);
            while (_i < timestamps.Length && timestamps[_i] < timestampMs)
            {
                _i++;
            }

            return _i < timestamps.Length;
        }
    }
}
