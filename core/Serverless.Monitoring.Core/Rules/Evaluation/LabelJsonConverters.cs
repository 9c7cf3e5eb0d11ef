using System.Text.Json;
using System.Text.Json.Serialization;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>A label set as a JSON object (<c>{"__name__":"ALERTS","job":"api"}</c>), whatever the serializer's options.</summary>
internal sealed class LabelSetJsonConverter : JsonConverter<LabelSet>
{
    public override LabelSet Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        var builder = new LabelSetBuilder();
        foreach (var (name, value) in LabelJson.ReadObject(ref reader))
        {
            builder.Set(name, value);
        }

        return builder.Build();
    }

    public override void Write(Utf8JsonWriter writer, LabelSet value, JsonSerializerOptions options) =>
        LabelJson.WriteObject(writer, value.AsSpan());
}

/// <summary>A list of label sets as a JSON array of objects.</summary>
internal sealed class LabelSetListJsonConverter : JsonConverter<IReadOnlyList<LabelSet>>
{
    private static readonly LabelSetJsonConverter One = new();

    public override IReadOnlyList<LabelSet> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options)
    {
        LabelJson.Expect(ref reader, JsonTokenType.StartArray);
        var list = new List<LabelSet>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            list.Add(One.Read(ref reader, typeof(LabelSet), options));
        }

        return list;
    }

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<LabelSet> value, JsonSerializerOptions options)
    {
        writer.WriteStartArray();
        foreach (var set in value)
        {
            LabelJson.WriteObject(writer, set.AsSpan());
        }

        writer.WriteEndArray();
    }
}

/// <summary>Labels that may hold empty values (annotations), as a JSON object in their order.</summary>
internal sealed class LabelListJsonConverter : JsonConverter<IReadOnlyList<Label>>
{
    public override IReadOnlyList<Label> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        [.. LabelJson.ReadObject(ref reader).Select(p => new Label(p.Name, p.Value))];

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<Label> value, JsonSerializerOptions options) =>
        LabelJson.WriteObject(writer, [.. value]);
}

internal static class LabelJson
{
    public static void WriteObject(Utf8JsonWriter writer, ReadOnlySpan<Label> labels)
    {
        writer.WriteStartObject();
        foreach (var l in labels)
        {
            writer.WriteString(l.Name, l.Value);
        }

        writer.WriteEndObject();
    }

    public static List<(string Name, string Value)> ReadObject(ref Utf8JsonReader reader)
    {
        Expect(ref reader, JsonTokenType.StartObject);
        var pairs = new List<(string, string)>();
        while (reader.Read() && reader.TokenType != JsonTokenType.EndObject)
        {
            Expect(ref reader, JsonTokenType.PropertyName);
            var name = reader.GetString()!;
            reader.Read();
            Expect(ref reader, JsonTokenType.String);
            pairs.Add((name, reader.GetString()!));
        }

        return pairs;
    }

    public static void Expect(ref Utf8JsonReader reader, JsonTokenType type)
    {
        if (reader.TokenType != type)
        {
            throw new JsonException($"expected {type}, found {reader.TokenType}");
        }
    }
}
