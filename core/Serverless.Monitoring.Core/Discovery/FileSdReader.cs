using System.Text.Json;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Discovery;

/// <summary>
/// Reads <c>file_sd_configs</c> files as upstream's file discovery does: a JSON or YAML list of
/// <c>{targets: [...], labels: {...}}</c> groups (by extension; unknown fields are errors), each
/// group's source <c>path:index</c> and a <c>__meta_filepath</c> label naming the file.
/// </summary>
public static class FileSdReader
{
    /// <summary>The label naming the file a group came from.</summary>
    public const string FilePathLabel = "__meta_filepath";

    /// <summary>The files currently matching <paramref name="patterns"/> (a <c>*</c> may appear in the last element), sorted.</summary>
    public static IReadOnlyList<string> ListFiles(IEnumerable<string> patterns)
    {
        ArgumentNullException.ThrowIfNull(patterns);
        var files = new SortedSet<string>(StringComparer.Ordinal);
        foreach (var pattern in patterns)
        {
            var directory = Path.GetDirectoryName(pattern);
            var name = Path.GetFileName(pattern);
            if (string.IsNullOrEmpty(directory) || !Directory.Exists(directory))
            {
                continue;
            }

            if (!name.Contains('*', StringComparison.Ordinal))
            {
                if (File.Exists(pattern))
                {
                    files.Add(pattern);
                }

                continue;
            }

            foreach (var file in Directory.EnumerateFiles(directory, name, new EnumerationOptions { MatchType = MatchType.Simple, MatchCasing = MatchCasing.CaseSensitive }))
            {
                files.Add(file);
            }
        }

        return files.ToArray();
    }

    /// <summary>Reads one file; throws <see cref="ConfigException"/> (file, line, reason) when it is malformed, <see cref="IOException"/> when unreadable.</summary>
    public static IReadOnlyList<TargetGroup> ReadFile(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        var content = File.ReadAllText(path);
        return Path.GetExtension(path).ToLowerInvariant() switch
        {
            ".json" => ParseJson(content, path),
            ".yml" or ".yaml" => ParseYaml(content, path),
            var ext => throw new ConfigException(path, 0, 0, string.Empty, $"unhandled file extension {ConfigParser.GoQuote(ext)}"),
        };
    }

    /// <summary>Parses a JSON list of target groups; <paramref name="path"/> names the source.</summary>
    public static IReadOnlyList<TargetGroup> ParseJson(string json, string path)
    {
        ArgumentNullException.ThrowIfNull(json);
        JsonDocument doc;
        try
        {
            doc = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new ConfigException(path, (ex.LineNumber ?? -1) + 1, (ex.BytePositionInLine ?? -1) + 1, string.Empty, ex.Message, ex);
        }

        using (doc)
        {
            if (doc.RootElement.ValueKind != JsonValueKind.Array)
            {
                throw JsonError(path, $"json: cannot unmarshal {doc.RootElement.ValueKind.ToString().ToLowerInvariant()} into Go value of type []*targetgroup.Group");
            }

            var groups = new List<TargetGroup>();
            var index = 0;
            foreach (var item in doc.RootElement.EnumerateArray())
            {
                var field = $"[{index}]";
                if (item.ValueKind == JsonValueKind.Null)
                {
                    throw JsonError(path, "nil target group item found", field);
                }

                if (item.ValueKind != JsonValueKind.Object)
                {
                    throw JsonError(path, "json: cannot unmarshal into Go value of type targetgroup.Group", field);
                }

                var targets = new List<LabelSet>();
                var labels = new List<Label>();
                foreach (var property in item.EnumerateObject())
                {
                    switch (property.Name)
                    {
                        case "targets":
                            if (property.Value.ValueKind == JsonValueKind.Null)
                            {
                                break;
                            }

                            foreach (var t in EnumerateArray(property.Value, path, field + ".targets"))
                            {
                                targets.Add(LabelSet.FromStrings(TargetGroup.AddressLabel, StringValue(t, path, field + ".targets")));
                            }

                            break;
                        case "labels":
                            if (property.Value.ValueKind == JsonValueKind.Null)
                            {
                                break;
                            }

                            if (property.Value.ValueKind != JsonValueKind.Object)
                            {
                                throw JsonError(path, "json: cannot unmarshal into Go struct field .labels of type model.LabelSet", field + ".labels");
                            }

                            foreach (var l in property.Value.EnumerateObject())
                            {
                                if (!LabelValidation.IsValidLabelName(l.Name))
                                {
                                    throw JsonError(path, $"{ConfigParser.GoQuote(l.Name)} is not a valid label name", $"{field}.labels.{l.Name}");
                                }

                                labels.Add(new Label(l.Name, StringValue(l.Value, path, $"{field}.labels.{l.Name}")));
                            }

                            break;
                        default:
                            throw JsonError(path, $"json: unknown field {ConfigParser.GoQuote(property.Name)}", $"{field}.{property.Name}");
                    }
                }

                groups.Add(Finish(targets, labels, path, index));
                index++;
            }

            return groups;
        }
    }

    /// <summary>Parses a YAML list of target groups (strictly); <paramref name="path"/> names the source.</summary>
    public static IReadOnlyList<TargetGroup> ParseYaml(string yaml, string path)
    {
        ArgumentNullException.ThrowIfNull(yaml);
        var parser = new ConfigParser(path, Path.GetDirectoryName(Path.GetFullPath(path)) ?? "/", _ => null);
        var root = parser.LoadDocument(yaml);
        var index = 0;
        return root.List("[]*targetgroup.Group", node =>
        {
            if (node.IsNull)
            {
                throw node.Error("nil target group item found");
            }

            var group = parser.ParseTargetGroup(node, string.Empty, addresses: null);
            var labels = new List<Label>(group.Labels.AsSpan().ToArray());
            return Finish(group.Targets.ToList(), labels, path, index++);
        });
    }

    private static TargetGroup Finish(List<LabelSet> targets, List<Label> labels, string path, int index)
    {
        labels.RemoveAll(l => l.Name == FilePathLabel);
        labels.Add(new Label(FilePathLabel, path));
        return new TargetGroup
        {
            Targets = targets,
            Labels = LabelSet.Create(labels.ToArray()),
            Source = $"{path}:{index}",
        };
    }

    private static JsonElement.ArrayEnumerator EnumerateArray(JsonElement e, string path, string field) =>
        e.ValueKind == JsonValueKind.Array ? e.EnumerateArray() : throw JsonError(path, $"json: cannot unmarshal {e.ValueKind.ToString().ToLowerInvariant()} into Go value of type []string", field);

    private static string StringValue(JsonElement e, string path, string field) =>
        e.ValueKind == JsonValueKind.String ? e.GetString()! : throw JsonError(path, $"json: cannot unmarshal {e.ValueKind.ToString().ToLowerInvariant()} into Go value of type string", field);

    private static ConfigException JsonError(string path, string reason, string field = "") => new(path, 0, 0, field, reason);
}
