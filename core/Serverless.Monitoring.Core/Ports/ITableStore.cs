namespace Serverless.Monitoring.Core.Ports;

/// <summary>
/// One table of entities addressed by (partition key, row key), with ETag concurrency
/// and atomic batches inside one partition: the shape of Azure Table Storage.
/// Keys may not contain '/', '\', '#', '?' or control characters (as in Azure).
/// </summary>
public interface ITableStore
{
    string TableName { get; }

    Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Inserts a new entity and returns its ETag.</summary>
    /// <exception cref="StorageConflictException">An entity with these keys exists.</exception>
    Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Inserts or replaces the entity, whatever is there. Returns the new ETag.</summary>
    Task<string> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default);

    /// <summary>Replaces the entity if it still has <paramref name="etag"/> ("*" for any). Returns the new ETag.</summary>
    /// <exception cref="StoragePreconditionFailedException">The ETag no longer matches.</exception>
    /// <exception cref="StorageNotFoundException">No such entity.</exception>
    Task<string> UpdateAsync(TableEntity entity, string etag, CancellationToken cancellationToken = default);

    /// <summary>
    /// Deletes the entity if it still has <paramref name="etag"/> ("*" for any).
    /// Returns false when it did not exist.
    /// </summary>
    /// <exception cref="StoragePreconditionFailedException">The ETag no longer matches.</exception>
    Task<bool> DeleteAsync(string partitionKey, string rowKey, string etag = "*", CancellationToken cancellationToken = default);

    /// <summary>The entity, or <c>null</c> when it does not exist.</summary>
    Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default);

    /// <summary>
    /// One page of the entities of one partition with <paramref name="rowKeyFrom"/> &lt;= RowKey &lt;
    /// <paramref name="rowKeyTo"/> (either bound may be null), in ordinal RowKey order.
    /// A page may be empty yet carry a continuation token: keep reading until the token is null.
    /// </summary>
    Task<TablePage> QueryAsync(string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null,
        string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies up to 100 operations on distinct entities of one partition atomically:
    /// all of them or none. Returns the new ETag of each operation (null for deletes).
    /// </summary>
    /// <exception cref="TableBatchFailedException">One operation failed; nothing was applied.</exception>
    Task<IReadOnlyList<string?>> SubmitBatchAsync(IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default);
}

public sealed record TablePage(IReadOnlyList<TableEntity> Items, string? ContinuationToken);

public enum TableOperationKind
{
    Insert,
    Upsert,
    Update,
    Delete,
}

/// <summary>One operation of a batch. <see cref="ETag"/> applies to Update and Delete ("*" for any).</summary>
public sealed record TableOperation(TableOperationKind Kind, TableEntity Entity, string ETag = "*")
{
    public static TableOperation Insert(TableEntity entity) => new(TableOperationKind.Insert, entity);

    public static TableOperation Upsert(TableEntity entity) => new(TableOperationKind.Upsert, entity);

    public static TableOperation Update(TableEntity entity, string etag = "*") => new(TableOperationKind.Update, entity, etag);

    public static TableOperation Delete(string partitionKey, string rowKey, string etag = "*") =>
        new(TableOperationKind.Delete, new TableEntity(partitionKey, rowKey), etag);
}
