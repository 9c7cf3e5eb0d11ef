using System.Collections;
using System.Diagnostics.CodeAnalysis;

namespace Serverless.Monitoring.Core.Model;

/// <summary>
/// An immutable set of labels identifying a series: sorted by name in UTF-8 byte order, names
/// unique, no empty values (an empty value means "absent", so such labels are dropped). Every
/// instance is valid: names are non-empty valid UTF-8, values valid UTF-8. Creation fails with
/// Prometheus's reason (<see cref="InvalidLabelsException"/> or <see cref="TryCreate"/>).
/// </summary>
public sealed class LabelSet : IEquatable<LabelSet>, IReadOnlyList<Label>
{
    private static readonly Comparison<Label> ByName = (a, b) => Utf8Ordinal.CompareSpans(a.Name, b.Name);

    private readonly Label[] _labels;

    // The series ID, computed on first use; _idReady is published after _id.
    private ulong _id;
    private int _idReady;

    // This set without __name__, computed on first use (PromQL drops the name at every step of a query).
    private LabelSet? _withoutMetricName;

    private LabelSet(Label[] canonical)
    {
        _labels = canonical;
    }

    /// <summary>The set with no labels.</summary>
    public static LabelSet Empty { get; } = new([]);

    /// <summary>Number of labels.</summary>
    public int Count => _labels.Length;

    /// <summary>True when the set has no labels.</summary>
    public bool IsEmpty => _labels.Length == 0;

    /// <summary>The label at <paramref name="index"/> in canonical order.</summary>
    public Label this[int index] => _labels[index];

    /// <summary>The value of <c>__name__</c>, or the empty string.</summary>
    public string MetricName => Get(LabelValidation.MetricNameLabel);

    /// <summary>The stable series ID (see <see cref="SeriesId"/>).</summary>
    public SeriesId Id
    {
        get
        {
            if (Volatile.Read(ref _idReady) == 0)
            {
                _id = SeriesId.Compute(_labels).Value;
                Volatile.Write(ref _idReady, 1);
            }

            return new SeriesId(_id);
        }
    }

    /// <summary>Builds a set, sorting and validating; throws <see cref="InvalidLabelsException"/>.</summary>
    public static LabelSet Create(params ReadOnlySpan<Label> labels) =>
        TryCreate(labels, out var set, out var error) ? set : throw new InvalidLabelsException(error);

    /// <summary>Builds a set from alternating names and values: <c>FromStrings("job", "api", "instance", "a:9100")</c>.</summary>
    public static LabelSet FromStrings(params ReadOnlySpan<string> nameValuePairs)
    {
        if (nameValuePairs.Length % 2 != 0)
        {
            throw new ArgumentException("expected name/value pairs", nameof(nameValuePairs));
        }

        var labels = new Label[nameValuePairs.Length / 2];
        for (var i = 0; i < labels.Length; i++)
        {
            labels[i] = new Label(nameValuePairs[2 * i], nameValuePairs[(2 * i) + 1]);
        }

        return Create(labels);
    }

    /// <summary>Builds a set from a name-to-value map.</summary>
    public static LabelSet FromDictionary(IEnumerable<KeyValuePair<string, string>> map)
    {
        ArgumentNullException.ThrowIfNull(map);
        return Create(map.Select(kv => new Label(kv.Key, kv.Value)).ToArray());
    }

    /// <summary>
    /// Builds a set: drops labels with empty values, checks names and values, sorts, and rejects
    /// duplicate names. On failure <paramref name="error"/> holds Prometheus's reason text.
    /// </summary>
    public static bool TryCreate(
        ReadOnlySpan<Label> labels,
        [NotNullWhen(true)] out LabelSet? set,
        [NotNullWhen(false)] out string? error)
    {
        set = null;
        var kept = 0;
        foreach (var l in labels)
        {
            if (!string.IsNullOrEmpty(l.Value))
            {
                kept++;
            }
        }

        if (kept == 0)
        {
            // A label with an empty value is absent even when its name is invalid.
            error = null;
            set = Empty;
            return true;
        }

        var array = new Label[kept];
        var n = 0;
        var sorted = true;
        foreach (var l in labels)
        {
            if (string.IsNullOrEmpty(l.Value))
            {
                continue;
            }

            if (l.Name is null || !LabelValidation.IsValidLabelName(l.Name))
            {
                error = LabelValidation.InvalidLabelName(l.Name ?? string.Empty);
                return false;
            }

            if (!LabelValidation.IsValidLabelValue(l.Value))
            {
                error = LabelValidation.InvalidLabelValue(l.Value);
                return false;
            }

            if (n > 0 && sorted && Utf8Ordinal.CompareSpans(array[n - 1].Name, l.Name) > 0)
            {
                sorted = false;
            }

            array[n++] = l;
        }

        // Parsers and builders usually hand over sorted labels; skip the sort then.
        if (!sorted)
        {
            Array.Sort(array, ByName);
        }

        for (var i = 1; i < array.Length; i++)
        {
            if (string.Equals(array[i - 1].Name, array[i].Name, StringComparison.Ordinal))
            {
                error = LabelValidation.DuplicateLabelName(array[i].Name);
                return false;
            }
        }

        error = null;
        set = new LabelSet(array);
        return true;
    }

    /// <summary>The labels in canonical order, without copying.</summary>
    public ReadOnlySpan<Label> AsSpan() => _labels;

    /// <summary>The value of label <paramref name="name"/>, or the empty string when absent (as in Prometheus).</summary>
    public string Get(string name) => TryGetValue(name, out var value) ? value : string.Empty;

    /// <summary>True when a label named <paramref name="name"/> is present.</summary>
    public bool Contains(string name) => IndexOf(name) >= 0;

    /// <summary>Looks up label <paramref name="name"/>.</summary>
    public bool TryGetValue(string name, [NotNullWhen(true)] out string? value)
    {
        var i = IndexOf(name);
        if (i < 0)
        {
            value = null;
            return false;
        }

        value = _labels[i].Value;
        return true;
    }

    /// <summary>A copy with label <paramref name="name"/> set; an empty <paramref name="value"/> removes it.</summary>
    public LabelSet With(string name, string value)
    {
        ArgumentNullException.ThrowIfNull(name);
        var i = IndexOf(name);
        if (string.IsNullOrEmpty(value))
        {
            return i < 0 ? this : RemoveAt(i);
        }

        if (!LabelValidation.IsValidLabelName(name))
        {
            throw new InvalidLabelsException(LabelValidation.InvalidLabelName(name));
        }

        if (!LabelValidation.IsValidLabelValue(value))
        {
            throw new InvalidLabelsException(LabelValidation.InvalidLabelValue(value));
        }

        if (i >= 0)
        {
            if (string.Equals(_labels[i].Value, value, StringComparison.Ordinal))
            {
                return this;
            }

            var replaced = (Label[])_labels.Clone();
            replaced[i] = new Label(name, value);
            return new LabelSet(replaced);
        }

        var at = ~i;
        var inserted = new Label[_labels.Length + 1];
        _labels.AsSpan(0, at).CopyTo(inserted);
        inserted[at] = new Label(name, value);
        _labels.AsSpan(at).CopyTo(inserted.AsSpan(at + 1));
        return new LabelSet(inserted);
    }

    /// <summary>A copy without the labels named in <paramref name="names"/>.</summary>
    public LabelSet Without(params ReadOnlySpan<string> names)
    {
        var remove = 0;
        foreach (var l in _labels)
        {
            if (names.Contains(l.Name))
            {
                remove++;
            }
        }

        if (remove == 0)
        {
            return this;
        }

        var kept = new Label[_labels.Length - remove];
        var n = 0;
        foreach (var l in _labels)
        {
            if (!names.Contains(l.Name))
            {
                kept[n++] = l;
            }
        }

        return FromCanonical(kept);
    }

    /// <summary>This set without <c>__name__</c> (the same instance on every call).</summary>
    public LabelSet WithoutMetricName() =>
        _withoutMetricName ??= Without(LabelValidation.MetricNameLabel);

    /// <summary>A builder starting from this set.</summary>
    public LabelSetBuilder ToBuilder() => new(this);

    /// <summary>
    /// Orders sets as Prometheus's <c>labels.Compare</c>: label by label (name, then value, in
    /// UTF-8 byte order); a set that is a prefix of another sorts first.
    /// </summary>
    public static int Compare(LabelSet? a, LabelSet? b)
    {
        if (ReferenceEquals(a, b))
        {
            return 0;
        }

        if (a is null)
        {
            return -1;
        }

        if (b is null)
        {
            return 1;
        }

        var n = Math.Min(a._labels.Length, b._labels.Length);
        for (var i = 0; i < n; i++)
        {
            var c = Utf8Ordinal.CompareSpans(a._labels[i].Name, b._labels[i].Name);
            if (c != 0)
            {
                return c;
            }

            c = Utf8Ordinal.CompareSpans(a._labels[i].Value, b._labels[i].Value);
            if (c != 0)
            {
                return c;
            }
        }

        return a._labels.Length - b._labels.Length;
    }

    public bool Equals(LabelSet? other)
    {
        if (ReferenceEquals(this, other))
        {
            return true;
        }

        if (other is null || other._labels.Length != _labels.Length)
        {
            return false;
        }

        // Both IDs known and different: certainly unequal, without touching the strings.
        if (Volatile.Read(ref _idReady) != 0 && Volatile.Read(ref other._idReady) != 0 && _id != other._id)
        {
            return false;
        }

        var a = _labels;
        var b = other._labels;
        for (var i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i].Name, b[i].Name, StringComparison.Ordinal)
                || !string.Equals(a[i].Value, b[i].Value, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    public override bool Equals(object? obj) => Equals(obj as LabelSet);

    public override int GetHashCode()
    {
        var id = Id.Value;
        return (int)id ^ (int)(id >> 32);
    }

    public static bool operator ==(LabelSet? left, LabelSet? right) =>
        left is null ? right is null : left.Equals(right);

    public static bool operator !=(LabelSet? left, LabelSet? right) => !(left == right);

    /// <summary>Prometheus's form, e.g. <c>{__name__="up", job="api"}</c>.</summary>
    public override string ToString() => LabelFormatting.Format(_labels);

    /// <summary>Enumerates without allocating.</summary>
    public ReadOnlySpan<Label>.Enumerator GetEnumerator() => new ReadOnlySpan<Label>(_labels).GetEnumerator();

    IEnumerator<Label> IEnumerable<Label>.GetEnumerator() => ((IEnumerable<Label>)_labels).GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => _labels.GetEnumerator();

    /// <summary>Builds from labels already sorted, unique and valid (the builder's output).</summary>
    internal static LabelSet FromCanonical(Label[] canonical) => canonical.Length == 0 ? Empty : new(canonical);

    /// <summary>Binary search by name; the complement of the insertion point when absent.</summary>
    private int IndexOf(string name) => IndexOfName(_labels, name);

    /// <summary>
    /// Binary search of labels sorted by name (UTF-8 order); the complement of the insertion
    /// point when absent. Shared with <see cref="LabelSetBuilder"/>.
    /// </summary>
    internal static int IndexOfName(ReadOnlySpan<Label> labels, string name)
    {
        int lo = 0, hi = labels.Length - 1;
        while (lo <= hi)
        {
            var mid = (int)((uint)(lo + hi) >> 1);
            var c = Utf8Ordinal.CompareSpans(labels[mid].Name, name);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    private LabelSet RemoveAt(int index)
    {
        var kept = new Label[_labels.Length - 1];
        _labels.AsSpan(0, index).CopyTo(kept);
        _labels.AsSpan(index + 1).CopyTo(kept.AsSpan(index));
        return FromCanonical(kept);
    }
}
