namespace Serverless.Monitoring.Core.Ports;

/// <summary>
/// A table row: keys, the ETag it was read with, and typed properties. Property values are
/// one of <see cref="string"/>, <see cref="bool"/>, <see cref="int"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="byte"/>[], <see cref="DateTimeOffset"/> or <see cref="Guid"/>
/// (the Azure Table EDM types), and come back as the same type.
/// </summary>
public sealed class TableEntity
{
    public TableEntity(string partitionKey, string rowKey)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentNullException.ThrowIfNull(rowKey);
        PartitionKey = partitionKey;
        RowKey = rowKey;
    }

    public string PartitionKey { get; }

    public string RowKey { get; }

    /// <summary>The ETag the entity had when it was read; null for an entity built in code.</summary>
    public string? ETag { get; set; }

    /// <summary>When the service last changed the entity; null for an entity built in code.</summary>
    public DateTimeOffset? Timestamp { get; set; }

    public Dictionary<string, object> Properties { get; } = new(StringComparer.Ordinal);

    public object? this[string name]
    {
        get => Properties.GetValueOrDefault(name);
        set
        {
            if (value is null)
            {
                Properties.Remove(name);
            }
            else
            {
                Properties[name] = value;
            }
        }
    }

    public string? GetString(string name) => Properties.GetValueOrDefault(name) as string;

    public long? GetInt64(string name) => Properties.GetValueOrDefault(name) switch
    {
        long l => l,
        int i => i,
        _ => null,
    };

    public double? GetDouble(string name) => Properties.GetValueOrDefault(name) as double?;

    public bool? GetBoolean(string name) => Properties.GetValueOrDefault(name) as bool?;

    public byte[]? GetBinary(string name) => Properties.GetValueOrDefault(name) as byte[];
}
