using System.Globalization;
using Serverless.Monitoring.Core.Model;
using YamlDotNet.RepresentationModel;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// A YAML node being decoded strictly, like go-yaml's <c>UnmarshalStrict</c>: every error names
/// the file, the node's line and column, and the field path.
/// </summary>
internal readonly struct ConfigNode
{
    private readonly string _file;

    public ConfigNode(string file, YamlNode? node, string path)
    {
        _file = file;
        Node = node;
        Path = path;
    }

    public YamlNode? Node { get; }

    /// <summary>The field path, e.g. <c>scrape_configs[0].relabel_configs[1].regex</c>.</summary>
    public string Path { get; }

    /// <summary>True for an absent node or a YAML null (<c>~</c>, <c>null</c>, or nothing).</summary>
    public bool IsNull => Node is null || (Node is YamlScalarNode s && IsNullScalar(s));

    public ConfigException Error(string reason) => Node is null
        ? new ConfigException(_file, 0, 0, Path, reason)
        : new ConfigException(_file, Node.Start.Line, Node.Start.Column, Path, reason);

    public ConfigNode Child(YamlNode? node, string key) => new(_file, node, Path.Length == 0 ? key : $"{Path}.{key}");

    /// <summary>
    /// Visits a mapping's fields in order. <paramref name="field"/> returns false for a field it
    /// does not know, which is an error naming <paramref name="typeName"/> as upstream does.
    /// A null node has no fields. Merge keys (<c>&lt;&lt;</c>) are expanded.
    /// </summary>
    public void Fields(string typeName, Func<string, ConfigNode, bool> field)
    {
        if (IsNull)
        {
            return;
        }

        if (Node is not YamlMappingNode map)
        {
            throw Error($"cannot unmarshal {Kind()} into {typeName}");
        }

        var seen = new HashSet<string>(StringComparer.Ordinal);
        VisitFields(map, typeName, field, seen, merged: false);
    }

    public string String()
    {
        if (IsNull)
        {
            return string.Empty;
        }

        if (Node is YamlScalarNode s)
        {
            return s.Value ?? string.Empty;
        }

        throw Error($"cannot unmarshal {Kind()} into string");
    }

    public bool Bool()
    {
        if (IsNull)
        {
            return false;
        }

        var text = Scalar("bool");
        switch (text)
        {
            case "true" or "True" or "TRUE" or "yes" or "Yes" or "YES" or "on" or "On" or "ON" or "y" or "Y":
                return true;
            case "false" or "False" or "FALSE" or "no" or "No" or "NO" or "off" or "Off" or "OFF" or "n" or "N":
                return false;
            default:
                throw Error($"cannot unmarshal !!str `{text}` into bool");
        }
    }

    public ulong UInt64(string goType = "uint64")
    {
        if (IsNull)
        {
            return 0;
        }

        var text = Scalar(goType);
        if (ulong.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out var value))
        {
            return value;
        }

        if (text.StartsWith("0x", StringComparison.OrdinalIgnoreCase)
            && ulong.TryParse(text.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value))
        {
            return value;
        }

        throw Error($"cannot unmarshal {ScalarKind(text)} `{text}` into {goType}");
    }

    public uint UInt32() => UInt64("uint") is var v && v <= uint.MaxValue ? (uint)v : throw Error($"cannot unmarshal !!int `{v}` into uint");

    public int Int32()
    {
        if (IsNull)
        {
            return 0;
        }

        var text = Scalar("int");
        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"cannot unmarshal {ScalarKind(text)} `{text}` into int");
    }

    public double Double()
    {
        if (IsNull)
        {
            return 0;
        }

        var text = Scalar("float64");
        return double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw Error($"cannot unmarshal {ScalarKind(text)} `{text}` into float64");
    }

    /// <summary>A Prometheus duration (<c>model.Duration</c>); zero when null.</summary>
    public TimeSpan Duration()
    {
        if (IsNull)
        {
            return TimeSpan.Zero;
        }

        var text = Scalar("model.Duration");
        return PrometheusDuration.TryParse(text, out var value, out var error) ? value : throw Error(error);
    }

    /// <summary>A byte size (<c>units.Base2Bytes</c>, e.g. <c>512MB</c>); zero when null.</summary>
    public long ByteSize()
    {
        if (IsNull)
        {
            return 0;
        }

        var text = Scalar("units.Base2Bytes");
        try
        {
            return Model.ByteSize.Parse(text);
        }
        catch (FormatException ex)
        {
            throw Error(ex.Message);
        }
    }

    public IReadOnlyList<T> List<T>(string goType, Func<ConfigNode, T> item)
    {
        if (IsNull)
        {
            return [];
        }

        if (Node is not YamlSequenceNode seq)
        {
            throw Error($"cannot unmarshal {Kind()} into {goType}");
        }

        var list = new List<T>(seq.Children.Count);
        for (var i = 0; i < seq.Children.Count; i++)
        {
            list.Add(item(new ConfigNode(_file, seq.Children[i], $"{Path}[{i}]")));
        }

        return list;
    }

    public IReadOnlyList<string> StringList() => List("[]string", n => n.String());

    /// <summary>A string-to-string map, in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> StringMap(string goType = "map[string]string")
    {
        if (IsNull)
        {
            return [];
        }

        if (Node is not YamlMappingNode map)
        {
            throw Error($"cannot unmarshal {Kind()} into {goType}");
        }

        var list = new List<KeyValuePair<string, string>>(map.Children.Count);
        foreach (var (k, v) in map.Children)
        {
            var key = new ConfigNode(_file, k, Path).String();
            list.Add(new(key, Child(v, key).String()));
        }

        return list;
    }

    /// <summary>A mapping's entries in file order, with their key and value nodes.</summary>
    public IReadOnlyList<(string Key, ConfigNode KeyNode, ConfigNode Value)> Entries(string goType)
    {
        if (IsNull)
        {
            return [];
        }

        if (Node is not YamlMappingNode map)
        {
            throw Error($"cannot unmarshal {Kind()} into {goType}");
        }

        var list = new List<(string, ConfigNode, ConfigNode)>(map.Children.Count);
        foreach (var (k, v) in map.Children)
        {
            var key = new ConfigNode(_file, k, Path).String();
            var path = Path.Length == 0 ? key : $"{Path}.{key}";
            list.Add((key, new ConfigNode(_file, k, path), new ConfigNode(_file, v, path)));
        }

        return list;
    }

    /// <summary>What kind of YAML node this is, in go-yaml's words (<c>!!map</c>, <c>!!seq</c>, <c>!!str `x`</c>).</summary>
    public string Kind() => Node switch
    {
        YamlMappingNode => "!!map",
        YamlSequenceNode => "!!seq",
        YamlScalarNode s => $"{ScalarKind(s.Value ?? string.Empty)} `{s.Value}`",
        _ => "!!null",
    };

    private static string ScalarKind(string text) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _) ? "!!int"
        : double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out _) ? "!!float"
        : "!!str";

    private static bool IsNullScalar(YamlScalarNode s) =>
        s.Style is YamlDotNet.Core.ScalarStyle.Plain or YamlDotNet.Core.ScalarStyle.Any
        && s.Value is null or "" or "~" or "null" or "Null" or "NULL";

    private string Scalar(string goType) => Node is YamlScalarNode s
        ? s.Value ?? string.Empty
        : throw Error($"cannot unmarshal {Kind()} into {goType}");

    private void VisitFields(YamlMappingNode map, string typeName, Func<string, ConfigNode, bool> field, HashSet<string> seen, bool merged)
    {
        // Explicit keys first, so they win over merged ones (<<: *defaults).
        List<(YamlNode Key, YamlNode Value)>? merges = null;
        foreach (var (k, v) in map.Children)
        {
            var key = new ConfigNode(_file, k, Path).String();
            if (key == "<<" && k is YamlScalarNode { Style: YamlDotNet.Core.ScalarStyle.Plain })
            {
                (merges ??= []).Add((k, v));
                continue;
            }

            var child = new ConfigNode(_file, v, Path.Length == 0 ? key : $"{Path}.{key}");
            if (!seen.Add(key))
            {
                if (merged)
                {
                    continue;
                }

                throw new ConfigNode(_file, k, child.Path).Error($"field {key} already set in type {typeName}");
            }

            if (!field(key, child))
            {
                throw new ConfigNode(_file, k, child.Path).Error($"field {key} not found in type {typeName}");
            }
        }

        foreach (var (k, v) in merges ?? [])
        {
            foreach (var source in v is YamlSequenceNode seq ? seq.Children : [v])
            {
                if (source is not YamlMappingNode m)
                {
                    throw new ConfigNode(_file, source, Path).Error("map merge requires map or sequence of maps as the value");
                }

                VisitFields(m, typeName, field, seen, merged: true);
            }
        }
    }
}
