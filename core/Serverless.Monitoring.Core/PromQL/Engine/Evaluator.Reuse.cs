using System.Runtime.CompilerServices;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>
/// What a query reuses across its steps: label computations (grouping keys, match signatures,
/// result label sets, histogram buckets) memoised per expression node and input label set, and the point lists of
/// range selectors that a function has consumed. A range query evaluates the same series at every
/// step, so without these each step rebuilt (and re-validated and re-hashed) the same label sets.
/// </summary>
internal sealed partial class Evaluator
{
    /// <summary>Memo entries kept before the memo starts over (bounds memory when label sets differ at every step).</summary>
    private const int MemoLimit = 250_000;

    /// <summary>Stands in for an expression node in the keys of <see cref="MemoBucket"/>.</summary>
    private static readonly object BucketMemoNode = new();

    private readonly Dictionary<MemoKey, object> _memo = [];
    private readonly Stack<List<Sample>> _pointLists = new();
    private readonly Dictionary<VectorSelector, int[]> _instantHints = new(ReferenceEqualityComparer.Instance);

    /// <summary>An aggregation's grouping key for <paramref name="metric"/>.</summary>
    private LabelSet MemoGroupingKey(AggregateExpr a, LabelSet metric)
    {
        var key = new MemoKey(a, metric, null);
        if (_memo.TryGetValue(key, out var found))
        {
            return (LabelSet)found;
        }

        var result = GroupingKey(metric, a.Grouping, a.Without);
        Remember(key, result);
        return result;
    }

    /// <summary>The vector-matching signature of <paramref name="metric"/>.</summary>
    private string MemoSignature(VectorMatching m, LabelSet metric)
    {
        var key = new MemoKey(m, metric, null);
        if (_memo.TryGetValue(key, out var found))
        {
            return (string)found;
        }

        var result = Signature(metric, m);
        Remember(key, result);
        return result;
    }

    /// <summary>The labels of a vector-vector operation's result for the matched pair.</summary>
    private LabelSet MemoResultMetric(BinaryExpr b, LabelSet left, LabelSet right)
    {
        var key = new MemoKey(b, left, right);
        if (_memo.TryGetValue(key, out var found))
        {
            return (LabelSet)found;
        }

        var result = ResultMetric(left, right, b.Op, b.Matching!);
        Remember(key, result);
        return result;
    }

    /// <summary>A classic histogram bucket's series without <c>le</c> and its upper bound; a null key when <c>le</c> is missing or malformed.</summary>
    private (LabelSet? Key, double Upper) MemoBucket(LabelSet metric)
    {
        var key = new MemoKey(BucketMemoNode, metric, null);
        if (_memo.TryGetValue(key, out var found))
        {
            var known = (Bucket)found;
            return (known.Key, known.Upper);
        }

        var bucket = TryParseLe(metric.Get("le"), out var upper)
            ? new Bucket(new LabelSetBuilder(metric).Delete("le").Build(), upper)
            : new Bucket(null, double.NaN);
        Remember(key, bucket);
        return (bucket.Key, bucket.Upper);
    }

    private void Remember(MemoKey key, object value)
    {
        if (_memo.Count >= MemoLimit)
        {
            _memo.Clear();
        }

        _memo[key] = value;
    }

    /// <summary>Per series of an instant selector, where its last step's sample was (see <see cref="LoadedSeries.LastAtOrBefore(long, ref int)"/>).</summary>
    private int[] InstantHints(VectorSelector selector, int count)
    {
        if (!_instantHints.TryGetValue(selector, out var hints))
        {
            hints = new int[count];
            Array.Fill(hints, -1);
            _instantHints[selector] = hints;
        }

        return hints;
    }

    /// <summary>An empty point list with room for <paramref name="capacity"/> points, reused when one was returned.</summary>
    private List<Sample> RentPoints(int capacity)
    {
        if (_pointLists.TryPop(out var list))
        {
            list.EnsureCapacity(capacity);
            return list;
        }

        return new List<Sample>(capacity);
    }

    /// <summary>Takes back the point lists of a range selector's result once nothing refers to them.</summary>
    private void ReturnPoints(MatrixValue m)
    {
        foreach (var s in m.Series)
        {
            s.Points.Clear();
            _pointLists.Push(s.Points);
        }
    }

    private sealed record Bucket(LabelSet? Key, double Upper);

    /// <summary>
    /// An expression node (by reference: nodes are records, whose equality is structural and
    /// costly) and one or two label sets (by value, hash cached in the set).
    /// </summary>
    private readonly struct MemoKey(object node, LabelSet first, LabelSet? second) : IEquatable<MemoKey>
    {
        private readonly object _node = node;
        private readonly LabelSet _first = first;
        private readonly LabelSet? _second = second;

        public bool Equals(MemoKey other) =>
            ReferenceEquals(_node, other._node) && _first.Equals(other._first) && (_second is null ? other._second is null : _second.Equals(other._second));

        public override bool Equals(object? obj) => obj is MemoKey other && Equals(other);

        public override int GetHashCode() => HashCode.Combine(RuntimeHelpers.GetHashCode(_node), _first.GetHashCode(), _second?.GetHashCode() ?? 0);
    }
}
