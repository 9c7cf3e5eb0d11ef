using System.Collections.Concurrent;

namespace Serverless.Monitoring.Core.Instrumentation;

/// <summary>
/// The children of a labeled family, keyed by their label values. Lookups with a span of values
/// do not allocate; a new child is created once under a lock and then appended to a
/// copy-on-write array that collection enumerates in creation order.
/// </summary>
internal sealed class ChildSet<T>
    where T : class
{
    private readonly ConcurrentDictionary<string[], T> _children = new(LabelValuesComparer.Instance);
    private readonly ConcurrentDictionary<string[], T>.AlternateLookup<ReadOnlySpan<string>> _lookup;
    private readonly Lock _gate = new();
    private readonly int _labelCount;
    private T[] _ordered = [];

    public ChildSet(int labelCount)
    {
        _labelCount = labelCount;
        _lookup = _children.GetAlternateLookup<ReadOnlySpan<string>>();
    }

    /// <summary>A snapshot of the children in creation order.</summary>
    public T[] Snapshot => Volatile.Read(ref _ordered);

    public T GetOrAdd<TState>(string metricName, ReadOnlySpan<string> labelValues, Func<TState, string[], T> create, TState state)
    {
        if (_lookup.TryGetValue(labelValues, out var existing))
        {
            return existing;
        }

        if (labelValues.Length != _labelCount)
        {
            throw new ArgumentException(
                $"Metric '{metricName}' has {_labelCount} label name(s) but {labelValues.Length} label value(s) were given.",
                nameof(labelValues));
        }

        foreach (var value in labelValues)
        {
            if (value is null)
            {
                throw new ArgumentException($"Metric '{metricName}': a label value is null.", nameof(labelValues));
            }
        }

        lock (_gate)
        {
            if (_lookup.TryGetValue(labelValues, out existing))
            {
                return existing;
            }

            var key = labelValues.ToArray();
            var child = create(state, key);
            _children[key] = child;
            var ordered = _ordered;
            var grown = new T[ordered.Length + 1];
            ordered.CopyTo(grown, 0);
            grown[^1] = child;
            Volatile.Write(ref _ordered, grown);
            return child;
        }
    }

    private sealed class LabelValuesComparer : IEqualityComparer<string[]>, IAlternateEqualityComparer<ReadOnlySpan<string>, string[]>
    {
        public static readonly LabelValuesComparer Instance = new();

        public bool Equals(string[]? x, string[]? y) =>
            ReferenceEquals(x, y) || (x is not null && y is not null && Equals(x.AsSpan(), y));

        public int GetHashCode(string[] obj) => GetHashCode(obj.AsSpan());

        public bool Equals(ReadOnlySpan<string> alternate, string[] other)
        {
            if (alternate.Length != other.Length)
            {
                return false;
            }

            for (var i = 0; i < alternate.Length; i++)
            {
                if (!string.Equals(alternate[i], other[i], StringComparison.Ordinal))
                {
                    return false;
                }
            }

            return true;
        }

        public int GetHashCode(ReadOnlySpan<string> alternate)
        {
            var hash = default(HashCode);
            foreach (var value in alternate)
            {
                hash.Add(value is null ? 0 : string.GetHashCode(value, StringComparison.Ordinal));
            }

            return hash.ToHashCode();
        }

        public string[] Create(ReadOnlySpan<string> alternate) => alternate.ToArray();
    }
}
