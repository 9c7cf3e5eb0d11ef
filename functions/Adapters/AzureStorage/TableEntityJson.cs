using System.Globalization;
using System.Text.Json;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Table entities as OData JSON (minimal metadata). Every type JSON cannot tell apart on its
/// own carries an "@odata.type" annotation, so values come back as the type they were written as:
/// Int64 as a string, Binary as base64, DateTime, Guid, and Double (also NaN and ±Infinity, as strings).
/// </summary>
internal static class TableEntityJson
{
    private const string TypeSuffix = "@odata.type";

    public static byte[] Serialize(TableEntity entity)
    {
        using var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            Write(writer, entity);
        }

        return buffer.ToArray();
    }

    public static void Write(Utf8JsonWriter writer, TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(writer);
        ArgumentNullException.ThrowIfNull(entity);
        writer.WriteStartObject();
        writer.WriteString("PartitionKey", entity.PartitionKey);
        writer.WriteString("RowKey", entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "ETag" || name.Contains('@', StringComparison.Ordinal)
                || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' is a reserved name and cannot be an entity property.", nameof(entity));
            }

            switch (value)
            {
                case string s:
                    writer.WriteString(name, s);
                    break;
                case bool b:
                    writer.WriteBoolean(name, b);
                    break;
                case int i:
                    writer.WriteNumber(name, i);
                    break;
                case long l:
                    writer.WriteString(name, l.ToString(CultureInfo.InvariantCulture));
                    writer.WriteString(name + TypeSuffix, "Edm.Int64");
                    break;
                case double d:
                    if (double.IsFinite(d))
                    {
                        writer.WriteNumber(name, d);
                    }
                    else
                    {
                        writer.WriteString(name, double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity");
                    }

                    // Annotated even when finite: a whole-number double would otherwise read back as Int32.
                    writer.WriteString(name + TypeSuffix, "Edm.Double");
                    break;
                case byte[] bytes:
                    writer.WriteBase64String(name, bytes);
                    writer.WriteString(name + TypeSuffix, "Edm.Binary");
                    break;
                case DateTimeOffset dto:
                    writer.WriteString(name, dto.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fffffff'Z'", CultureInfo.InvariantCulture));
                    writer.WriteString(name + TypeSuffix, "Edm.DateTime");
                    break;
                case Guid g:
                    writer.WriteString(name, g.ToString("D"));
                    writer.WriteString(name + TypeSuffix, "Edm.Guid");
                    break;
                default:
                    throw new ArgumentException(
                        $"Property '{name}' has type {value.GetType().Name}; table properties are string, bool, int, long, double, byte[], DateTimeOffset or Guid.",
                        nameof(entity));
            }
        }

        writer.WriteEndObject();
    }

    public static TableEntity Read(JsonElement json, string? etagHeader = null)
    {
        string? partitionKey = null;
        string? rowKey = null;
        var types = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var property in json.EnumerateObject())
        {
            if (property.Name.EndsWith(TypeSuffix, StringComparison.Ordinal) && property.Value.ValueKind == JsonValueKind.String)
            {
                types[property.Name[..^TypeSuffix.Length]] = property.Value.GetString()!;
            }
            else if (property.Name == "PartitionKey")
            {
                partitionKey = property.Value.GetString();
            }
            else if (property.Name == "RowKey")
            {
                rowKey = property.Value.GetString();
            }
        }

        var entity = new TableEntity(
            partitionKey ?? throw new StorageRequestException("The table service returned an entity without a PartitionKey."),
            rowKey ?? throw new StorageRequestException("The table service returned an entity without a RowKey."));
        foreach (var property in json.EnumerateObject())
        {
            var name = property.Name;
            if (name is "PartitionKey" or "RowKey" || name.Contains('@', StringComparison.Ordinal))
            {
                continue;
            }

            if (name == "odata.etag")
            {
                entity.ETag = property.Value.GetString();
                continue;
            }

            if (name.StartsWith("odata.", StringComparison.Ordinal))
            {
                continue;
            }

            if (name == "Timestamp")
            {
                entity.Timestamp = ParseDateTime(property.Value.GetString());
                continue;
            }

            var value = ReadValue(name, property.Value, types.GetValueOrDefault(name));
            if (value is not null)
            {
                entity.Properties[name] = value;
            }
        }

        entity.ETag ??= etagHeader;
        return entity;
    }

    private static object? ReadValue(string name, JsonElement value, string? edmType)
    {
        switch (edmType)
        {
            case "Edm.Int64":
                return value.ValueKind == JsonValueKind.Number ? value.GetInt64() : long.Parse(value.GetString()!, CultureInfo.InvariantCulture);
            case "Edm.Int32":
                return value.ValueKind == JsonValueKind.Number ? value.GetInt32() : int.Parse(value.GetString()!, CultureInfo.InvariantCulture);
            case "Edm.Double":
                return value.ValueKind == JsonValueKind.Number ? value.GetDouble() : value.GetString() switch
                {
                    "NaN" => double.NaN,
                    "Infinity" or "INF" => double.PositiveInfinity,
                    "-Infinity" or "-INF" => double.NegativeInfinity,
                    var text => double.Parse(text!, NumberStyles.Float, CultureInfo.InvariantCulture),
                };
            case "Edm.Binary":
                return value.GetBytesFromBase64();
            case "Edm.DateTime":
                return ParseDateTime(value.GetString());
            case "Edm.Guid":
                return Guid.Parse(value.GetString()!);
            case "Edm.Boolean":
                return value.ValueKind == JsonValueKind.String ? bool.Parse(value.GetString()!) : value.GetBoolean();
            case "Edm.String":
                return value.GetString();
            case null:
                break;
            default:
                throw new StorageRequestException($"Property '{name}' has the unsupported type {edmType}.");
        }

        return value.ValueKind switch
        {
            JsonValueKind.String => value.GetString(),
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            // Unannotated numbers: integers are Int32, anything with a fraction or exponent is Double.
            JsonValueKind.Number when value.TryGetInt32(out var i) && IsIntegerLiteral(value.GetRawText()) => i,
            JsonValueKind.Number => value.GetDouble(),
            JsonValueKind.Null => null,
            _ => throw new StorageRequestException($"Property '{name}' has a JSON {value.ValueKind}, which is not a table type."),
        };
    }

    private static bool IsIntegerLiteral(string raw) => raw.AsSpan().IndexOfAny(".eE") < 0;

    private static DateTimeOffset? ParseDateTime(string? text) =>
        text is null ? null : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal);
}
