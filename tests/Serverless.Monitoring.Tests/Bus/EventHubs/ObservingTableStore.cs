using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Tests.Bus.EventHubs;

/// <summary>A table that calls <paramref name="beforeWrite"/> with each entity about to be inserted, updated or upserted (it may throw: a crash there).</summary>
internal sealed class ObservingTableStore(ITableStore inner, Func<TableEntity, Task> beforeWrite) : ITableStore
{
    public string TableName => inner.TableName;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => inner.CreateIfNotExistsAsync(cancellationToken);

    public async Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        await beforeWrite(entity);
        return await inner.InsertAsync(entity, cancellationToken);
    }

    public async Task<string> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        await beforeWrite(entity);
        return await inner.UpsertAsync(entity, cancellationToken);
    }

    public async Task<string> UpdateAsync(TableEntity entity, string etag, CancellationToken cancellationToken = default)
    {
        await beforeWrite(entity);
        return await inner.UpdateAsync(entity, etag, cancellationToken);
    }

    public Task<bool> DeleteAsync(string partitionKey, string rowKey, string etag = "*", CancellationToken cancellationToken = default) =>
        inner.DeleteAsync(partitionKey, rowKey, etag, cancellationToken);

    public Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        inner.GetAsync(partitionKey, rowKey, cancellationToken);

    public Task<TablePage> QueryAsync(string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null, string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(partitionKey, rowKeyFrom, rowKeyTo, continuationToken, pageSize, cancellationToken);

    public Task<IReadOnlyList<string?>> SubmitBatchAsync(IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default) =>
        throw new NotSupportedException("checkpoints are written one at a time");
}
