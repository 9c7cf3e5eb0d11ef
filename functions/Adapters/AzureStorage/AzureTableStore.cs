using Azure;
using Azure.Data.Tables;
using Serverless.Monitoring.Core.Ports;
using SdkTableEntity = Azure.Data.Tables.TableEntity;
using TableEntity = Serverless.Monitoring.Core.Ports.TableEntity;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// One Azure Storage table on Azure.Data.Tables: entity CRUD with ETag concurrency,
/// single-partition range queries with continuation, and atomic entity group transactions.
/// </summary>
public sealed class AzureTableStore : ITableStore
{
    /// <summary>The most operations an entity group transaction may hold.</summary>
    internal const int MaxBatchOperations = 100;

    private const int MaxPageSize = 1000;

    private readonly TableClient _table;
    private readonly StorageErrors _errors;

    internal AzureTableStore(TableServiceClient service, string table, StorageErrors errors)
    {
        TableName = StorageNaming.CheckTable(table);
        _table = service.GetTableClient(table);
        _errors = errors;
    }

    public string TableName { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        try
        {
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (_errors.Map(ex, $"Create table '{TableName}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        var sdk = TableEntityConversion.ToSdk(entity);
        try
        {
            return ETagOf(await _table.AddEntityAsync(sdk, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (_errors.Map(ex, Describe("Insert", entity.PartitionKey, entity.RowKey), cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<string> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        var sdk = TableEntityConversion.ToSdk(entity);
        try
        {
            return ETagOf(await _table.UpsertEntityAsync(sdk, TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (_errors.Map(ex, Describe("Upsert", entity.PartitionKey, entity.RowKey), cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<string> UpdateAsync(TableEntity entity, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        var sdk = TableEntityConversion.ToSdk(entity);
        try
        {
            return ETagOf(await _table.UpdateEntityAsync(sdk, new ETag(etag), TableUpdateMode.Replace, cancellationToken).ConfigureAwait(false));
        }
        catch (Exception ex) when (_errors.Map(ex, Describe("Update", entity.PartitionKey, entity.RowKey), cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, string etag = "*", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        TableEntityConversion.CheckKeys(partitionKey, rowKey);
        try
        {
            // The SDK answers a missing entity with its 404 response rather than an exception.
            var response = await _table.DeleteEntityAsync(partitionKey, rowKey, new ETag(etag), cancellationToken).ConfigureAwait(false);
            return response.Status != 404;
        }
        catch (RequestFailedException ex) when (ex.Status == 404)
        {
            return false;
        }
        catch (Exception ex) when (_errors.Map(ex, Describe("Delete", partitionKey, rowKey), cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        TableEntityConversion.CheckKeys(partitionKey, rowKey);
        try
        {
            var response = await _table.GetEntityIfExistsAsync<SdkTableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken)
                .ConfigureAwait(false);
            return response.HasValue ? TableEntityConversion.FromSdk(response.Value!) : null;
        }
        catch (Exception ex) when (_errors.Map(ex, Describe("Get", partitionKey, rowKey), cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<TablePage> QueryAsync(string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null,
        string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);

        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {partitionKey}");
        if (rowKeyFrom is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey ge {rowKeyFrom}");
        }

        if (rowKeyTo is not null)
        {
            filter += " and " + TableClient.CreateQueryFilter($"RowKey lt {rowKeyTo}");
        }

        try
        {
            var pages = _table.QueryAsync<SdkTableEntity>(filter, pageSize, cancellationToken: cancellationToken)
                .AsPages(string.IsNullOrEmpty(continuationToken) ? null : continuationToken, pageSize);
            await foreach (var page in pages.ConfigureAwait(false))
            {
                var items = new List<TableEntity>(page.Values.Count);
                foreach (var entity in page.Values)
                {
                    items.Add(TableEntityConversion.FromSdk(entity));
                }

                // A page may be empty and still carry a token (the service's 5 s limit).
                return new TablePage(items, string.IsNullOrEmpty(page.ContinuationToken) ? null : page.ContinuationToken);
            }

            return new TablePage([], null);
        }
        catch (Exception ex) when (_errors.Map(ex, $"Query table '{TableName}' partition '{partitionKey}'", cancellationToken) is { } mapped)
        {
            throw mapped;
        }
    }

    public async Task<IReadOnlyList<string?>> SubmitBatchAsync(IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            return [];
        }

        var actions = BatchActions(operations);
        Response<IReadOnlyList<Response>> response;
        try
        {
            response = await _table.SubmitTransactionAsync(actions, cancellationToken).ConfigureAwait(false);
        }
        catch (TableTransactionFailedException ex)
        {
            // Nothing of the batch was applied; the SDK says which action the service refused.
            var index = ex.FailedTransactionActionIndex is { } failed && failed >= 0 && failed < operations.Count ? failed : 0;
            var op = operations[index];
            throw new TableBatchFailedException(index,
                StorageErrors.FromResponse(ex, Describe(op.Kind.ToString(), op.Entity.PartitionKey, op.Entity.RowKey) + $" (batch operation {index})"));
        }
        catch (Exception ex) when (_errors.Map(ex, $"Batch of {operations.Count} operations on table '{TableName}' partition '{operations[0].Entity.PartitionKey}'",
            cancellationToken) is { } mapped)
        {
            throw mapped;
        }

        var etags = new string?[operations.Count];
        for (var i = 0; i < etags.Length; i++)
        {
            etags[i] = operations[i].Kind == TableOperationKind.Delete ? null : ETagOf(response.Value[i]);
        }

        return etags;
    }

    private static List<TableTransactionAction> BatchActions(IReadOnlyList<TableOperation> operations)
    {
        if (operations.Count > MaxBatchOperations)
        {
            throw new ArgumentException($"A table batch holds at most {MaxBatchOperations} operations, not {operations.Count}.", nameof(operations));
        }

        var partition = operations[0].Entity.PartitionKey;
        var rows = new HashSet<string>(StringComparer.Ordinal);
        var actions = new List<TableTransactionAction>(operations.Count);
        foreach (var op in operations)
        {
            ArgumentNullException.ThrowIfNull(op, nameof(operations));
            if (!string.Equals(op.Entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new ArgumentException("All operations of a table batch must share one PartitionKey.", nameof(operations));
            }

            if (!rows.Add(op.Entity.RowKey))
            {
                throw new ArgumentException($"A table batch may touch each entity once; RowKey '{op.Entity.RowKey}' appears twice.", nameof(operations));
            }

            var entity = TableEntityConversion.ToSdk(op.Entity);
            actions.Add(op.Kind switch
            {
                TableOperationKind.Insert => new TableTransactionAction(TableTransactionActionType.Add, entity),
                TableOperationKind.Upsert => new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity),
                TableOperationKind.Update => new TableTransactionAction(TableTransactionActionType.UpdateReplace, entity, new ETag(op.ETag)),
                TableOperationKind.Delete => new TableTransactionAction(TableTransactionActionType.Delete, entity, new ETag(op.ETag)),
                _ => throw new ArgumentException($"Unknown table operation {op.Kind}.", nameof(operations)),
            });
        }

        return actions;
    }

    private string Describe(string verb, string partitionKey, string rowKey) =>
        $"{verb} entity ('{partitionKey}', '{rowKey}') in table '{TableName}'";

    private static string ETagOf(Response response) => response.Headers.ETag?.ToString() ?? string.Empty;
}
