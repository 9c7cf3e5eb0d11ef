namespace Serverless.Monitoring.Core.Ports;

/// <summary>
/// An optimistic-concurrency condition on a write or delete: none, "must not exist yet"
/// (create-only), or "must still have this ETag".
/// </summary>
public readonly record struct StorageCondition
{
    private StorageCondition(string? ifMatch, bool ifNotExists)
    {
        IfMatch = ifMatch;
        IfNotExists = ifNotExists;
    }

    /// <summary>The ETag the object must still have, or <c>null</c>.</summary>
    public string? IfMatch { get; }

    /// <summary>True when the write must fail if the object already exists.</summary>
    public bool IfNotExists { get; }

    public static StorageCondition None => default;

    public static StorageCondition CreateOnly => new(null, true);

    public static StorageCondition Match(string etag)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return new(etag, false);
    }
}
