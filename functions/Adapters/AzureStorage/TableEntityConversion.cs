using Serverless.Monitoring.Core.Ports;
using SdkTableEntity = Azure.Data.Tables.TableEntity;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// Between the port's <see cref="TableEntity"/> and the SDK's. Both hold the same EDM types;
/// the port's rules (reserved names, the types a property may have, forbidden key characters)
/// are checked here so that every adapter refuses the same entities before any request.
/// </summary>
internal static class TableEntityConversion
{
    private const string TypeAnnotationSuffix = "@odata.type";

    public static SdkTableEntity ToSdk(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        CheckKeys(entity.PartitionKey, entity.RowKey);
        var sdk = new SdkTableEntity(entity.PartitionKey, entity.RowKey);
        foreach (var (name, value) in entity.Properties)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" or "ETag" || name.Contains('@', StringComparison.Ordinal)
                || name.StartsWith("odata.", StringComparison.Ordinal))
            {
                throw new ArgumentException($"'{name}' is a reserved name and cannot be an entity property.", nameof(entity));
            }

            if (value is double d && !double.IsFinite(d))
            {
                // The SDK's JSON writer refuses NaN and infinities; the service's own form for them
                // is the string "NaN", "Infinity" or "-Infinity" annotated as Edm.Double, which the
                // SDK reads back as the double.
                sdk[name] = double.IsNaN(d) ? "NaN" : d > 0 ? "Infinity" : "-Infinity";
                sdk[name + TypeAnnotationSuffix] = "Edm.Double";
                continue;
            }

            sdk[name] = value switch
            {
                string or bool or int or long or double or byte[] or DateTimeOffset or Guid => value,
                _ => throw new ArgumentException(
                    $"Property '{name}' has type {value.GetType().Name}; table properties are string, bool, int, long, double, byte[], DateTimeOffset or Guid.",
                    nameof(entity)),
            };
        }

        return sdk;
    }

    public static TableEntity FromSdk(SdkTableEntity sdk)
    {
        ArgumentNullException.ThrowIfNull(sdk);
        var entity = new TableEntity(sdk.PartitionKey, sdk.RowKey)
        {
            ETag = sdk.ETag.ToString() is { Length: > 0 } etag ? etag : null,
            Timestamp = sdk.Timestamp,
        };
        foreach (var (name, value) in sdk)
        {
            if (name is "PartitionKey" or "RowKey" or "Timestamp" || name.StartsWith("odata.", StringComparison.Ordinal)
                || name.Contains('@', StringComparison.Ordinal) || value is null)
            {
                continue;
            }

            entity.Properties[name] = value switch
            {
                DateTime dateTime => new DateTimeOffset(DateTime.SpecifyKind(dateTime, DateTimeKind.Utc)),
                BinaryData binary => binary.ToArray(),
                _ => value,
            };
        }

        return entity;
    }

    public static void CheckKeys(string partitionKey, string rowKey)
    {
        StorageNaming.CheckTableKey(partitionKey, "PartitionKey");
        StorageNaming.CheckTableKey(rowKey, "RowKey");
    }
}
