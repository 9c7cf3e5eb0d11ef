using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// Alertmanager's <c>template.KV</c>: a <c>map[string]string</c> of labels or annotations with the
/// methods notification templates call: <c>SortedPairs</c> (<c>alertname</c> first, then by name),
/// <c>Names</c>, <c>Values</c> (in that order) and <c>Remove</c>. Ranged over as a Go map (keys in
/// byte order).
/// </summary>
public sealed class TemplateKV : GoMap
{
    private const string AlertNameLabel = "alertname";

    private readonly KeyValuePair<string, string>[] _sorted;

    private TemplateKV(KeyValuePair<string, string>[] sorted) => _sorted = sorted;

    /// <summary><c>template.KV</c>.</summary>
    public static GoType KVType { get; } = new("template.KV", GoKind.Map, GoType.GoString);

    /// <summary><c>template.Pair</c>.</summary>
    public static GoType PairType { get; } = new("template.Pair", GoKind.Struct);

    /// <summary><c>template.Pairs</c>, a slice of pairs with <c>Names</c> and <c>Values</c>.</summary>
    public static GoType PairsType { get; } = new("template.Pairs", GoKind.Slice, PairType);

    public static TemplateKV Empty { get; } = new([]);

    public override GoType Type => KVType;

    public override int Count => _sorted.Length;

    /// <summary>The pairs in byte order of their names.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Pairs => _sorted;

    public static TemplateKV From(LabelSet labels)
    {
        ArgumentNullException.ThrowIfNull(labels);
        var pairs = new KeyValuePair<string, string>[labels.Count];
        for (var i = 0; i < labels.Count; i++)
        {
            pairs[i] = new(labels[i].Name, labels[i].Value);
        }

        return new TemplateKV(pairs);
    }

    public static TemplateKV From(IEnumerable<KeyValuePair<string, string>> map)
    {
        var pairs = map.ToArray();
        Array.Sort(pairs, (a, b) => Utf8Ordinal.Instance.Compare(a.Key, b.Key));
        return new TemplateKV(pairs);
    }

    public override bool TryGetValue(string key, out object? value)
    {
        foreach (var p in _sorted)
        {
            if (string.Equals(p.Key, key, StringComparison.Ordinal))
            {
                value = p.Value;
                return true;
            }
        }

        value = null;
        return false;
    }

    public override IEnumerable<KeyValuePair<string, object?>> Sorted() =>
        _sorted.Select(p => new KeyValuePair<string, object?>(p.Key, p.Value));

    /// <summary><c>SortedPairs</c>: <c>alertname</c> first when present, the rest by name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> SortedPairs()
    {
        var index = Array.FindIndex(_sorted, p => p.Key == AlertNameLabel);
        if (index <= 0)
        {
            return _sorted;
        }

        var result = new List<KeyValuePair<string, string>>(_sorted.Length) { _sorted[index] };
        result.AddRange(_sorted.Where((_, i) => i != index));
        return result;
    }

    /// <summary><c>Remove</c>: a copy without <paramref name="keys"/>.</summary>
    public TemplateKV Remove(IEnumerable<string> keys)
    {
        var drop = keys.ToHashSet(StringComparer.Ordinal);
        return new TemplateKV(_sorted.Where(p => !drop.Contains(p.Key)).ToArray());
    }

    internal static GoSlice PairsOf(IReadOnlyList<KeyValuePair<string, string>> pairs) =>
        GoSlice.Of(PairsType, pairs.Select(p => (object?)new TemplatePair(p.Key, p.Value)).ToArray());

    static TemplateKV()
    {
        var strings = GoType.StringSlice;
        KVType.WithMethods(
            new TemplateFunction("SortedPairs", [], null, static (c, _) => PairsOf(Self(c).SortedPairs())),
            new TemplateFunction("Names", [], null, static (c, _) => GoSlice.OfStrings(Self(c).SortedPairs().Select(p => p.Key).ToArray())),
            new TemplateFunction("Values", [], null, static (c, _) => GoSlice.OfStrings(Self(c).SortedPairs().Select(p => p.Value).ToArray())),
            new TemplateFunction("Remove", [strings], null, static (c, a) => Self(c).Remove(Strings((GoSlice?)a[0]))));
        PairsType.WithMethods(
            new TemplateFunction("Names", [], null, static (c, _) => GoSlice.OfStrings(Items(c).Select(p => p.Name).ToArray())),
            new TemplateFunction("Values", [], null, static (c, _) => GoSlice.OfStrings(Items(c).Select(p => p.Value).ToArray())));
    }

    private static TemplateKV Self(TemplateCall call) => (TemplateKV)call.Receiver!;

    private static IEnumerable<TemplatePair> Items(TemplateCall call)
    {
        var slice = (GoSlice)call.Receiver!;
        for (var i = 0; i < slice.Count; i++)
        {
            yield return (TemplatePair)slice[i]!;
        }
    }

    private static IEnumerable<string> Strings(GoSlice? slice)
    {
        for (var i = 0; i < (slice?.Count ?? 0); i++)
        {
            yield return (string)slice![i]!;
        }
    }
}

/// <summary>Alertmanager's <c>template.Pair</c>: <c>Name</c> and <c>Value</c>.</summary>
public sealed class TemplatePair(string name, string value) : GoStruct
{
    private static readonly string[] Names = ["Name", "Value"];

    public string Name { get; } = name;

    public string Value { get; } = value;

    public override GoType Type => TemplateKV.PairType;

    public override IReadOnlyList<string> FieldNames => Names;

    public override object? GetField(int index) => index == 0 ? Name : Value;
}
