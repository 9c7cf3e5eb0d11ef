using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// A Go map with string keys. <c>range</c> and <c>fmt</c> visit it in key order (Go's
/// <c>fmtsort</c>: byte order of the UTF-8 keys).
/// </summary>
public abstract class GoMap : GoValue
{
    /// <summary>The number of entries.</summary>
    public abstract int Count { get; }

    /// <summary>The value stored under <paramref name="key"/>.</summary>
    public abstract bool TryGetValue(string key, out object? value);

    /// <summary>The entries in key order.</summary>
    public abstract IEnumerable<KeyValuePair<string, object?>> Sorted();

    /// <summary>True for a nil map: empty, and printed as <c>map[string]string(nil)</c> by <c>%#v</c>.</summary>
    public virtual bool IsNil => false;

    /// <summary>A nil map of type <paramref name="type"/>.</summary>
    public static GoMap Nil(GoType type) => new NilMap(type ?? throw new ArgumentNullException(nameof(type)));

    /// <summary>A <c>map[string]string</c> over a label set (already in Go's key order).</summary>
    public static GoMap FromLabels(LabelSet labels) => new LabelSetMap(labels ?? throw new ArgumentNullException(nameof(labels)));

    /// <summary>A <c>map[string]string</c> over a dictionary.</summary>
    public static GoMap FromStrings(IReadOnlyDictionary<string, string> map) =>
        new DictionaryMap<string>(GoType.StringMap, map ?? throw new ArgumentNullException(nameof(map)));

    /// <summary>A <c>map[string]interface {}</c> over a dictionary of template values.</summary>
    public static GoMap FromValues(IReadOnlyDictionary<string, object?> map) =>
        new DictionaryMap<object?>(GoType.AnyMap, map ?? throw new ArgumentNullException(nameof(map)));

    private sealed class NilMap(GoType type) : GoMap
    {
        public override GoType Type => type;

        public override int Count => 0;

        public override bool IsNil => true;

        public override bool TryGetValue(string key, out object? value)
        {
            value = null;
            return false;
        }

        public override IEnumerable<KeyValuePair<string, object?>> Sorted() => [];
    }

    private sealed class LabelSetMap(LabelSet labels) : GoMap
    {
        public override GoType Type => GoType.StringMap;

        public override int Count => labels.Count;

        public override bool TryGetValue(string key, out object? value)
        {
            if (labels.TryGetValue(key, out var v))
            {
                value = v;
                return true;
            }

            value = null;
            return false;
        }

        public override IEnumerable<KeyValuePair<string, object?>> Sorted()
        {
            for (var i = 0; i < labels.Count; i++)
            {
                yield return new(labels[i].Name, labels[i].Value);
            }
        }
    }

    private sealed class DictionaryMap<T>(GoType type, IReadOnlyDictionary<string, T> map) : GoMap
    {
        private string[]? _sortedKeys;

        public override GoType Type => type;

        public override int Count => map.Count;

        public override bool TryGetValue(string key, out object? value)
        {
            if (map.TryGetValue(key, out var v))
            {
                value = v;
                return true;
            }

            value = null;
            return false;
        }

        public override IEnumerable<KeyValuePair<string, object?>> Sorted()
        {
            var keys = _sortedKeys;
            if (keys is null)
            {
                keys = [.. map.Keys];
                Array.Sort(keys, Utf8Ordinal.Instance);
                _sortedKeys = keys;
            }

            foreach (var k in keys)
            {
                yield return new(k, map[k]);
            }
        }
    }
}
