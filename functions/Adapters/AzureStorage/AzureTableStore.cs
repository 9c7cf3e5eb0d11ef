using System.Globalization;
using System.Text;
using System.Text.Json;
using Azure;
using Azure.Core;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.AzureStorage;

/// <summary>
/// One Azure Storage table over the OData JSON REST API: entity CRUD with ETag concurrency,
/// single-partition range queries with continuation, and atomic entity group transactions.
/// </summary>
public sealed class AzureTableStore : ITableStore
{
    /// <summary>Minimal metadata still carries "@odata.type" for the types JSON cannot express.</summary>
    internal const string AcceptJson = "application/json;odata=minimalmetadata";

    private const int MaxPageSize = 1000;

    private readonly StorageServiceClient _client;
    private readonly string _tablePath;

    internal AzureTableStore(StorageServiceClient client, string table)
    {
        _client = client;
        TableName = StorageNaming.CheckTable(table);
        _tablePath = "/" + table;
    }

    public string TableName { get; }

    public async Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Post, "/Tables");
        SetJsonBody(message.Request, JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, string> { ["TableName"] = TableName }));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status is 201 or 204 || (response.Status == 409 && ErrorCode(response) == "TableAlreadyExists"))
        {
            return;
        }

        throw StorageErrors.FromResponse(response, $"Create table '{TableName}'");
    }

    public async Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        StorageNames.EntityKeyPath(entity.PartitionKey, entity.RowKey); // Validates the keys before sending.
        using var message = CreateMessage(RequestMethod.Post, _tablePath);
        SetJsonBody(message.Request, TableEntityJson.Serialize(entity));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status is 201 or 204
            ? ETagOf(response)
            : throw StorageErrors.FromResponse(response, Describe("Insert", entity.PartitionKey, entity.RowKey));
    }

    public Task<string> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        return ReplaceAsync(entity, etag: null, "Upsert", cancellationToken);
    }

    public Task<string> UpdateAsync(TableEntity entity, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return ReplaceAsync(entity, etag, "Update", cancellationToken);
    }

    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, string etag = "*", CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        using var message = CreateMessage(RequestMethod.Delete, _tablePath + StorageNames.EntityKeyPath(partitionKey, rowKey));
        message.Request.Headers.SetValue("If-Match", etag);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status switch
        {
            204 => true,
            404 => false,
            _ => throw StorageErrors.FromResponse(response, Describe("Delete", partitionKey, rowKey)),
        };
    }

    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        using var message = CreateMessage(RequestMethod.Get, _tablePath + StorageNames.EntityKeyPath(partitionKey, rowKey));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        switch (response.Status)
        {
            case 200:
                using (var doc = JsonDocument.Parse(response.Content.ToMemory()))
                {
                    return TableEntityJson.Read(doc.RootElement, ETagOf(response));
                }

            case 404:
                return null;
            default:
                throw StorageErrors.FromResponse(response, Describe("Get", partitionKey, rowKey));
        }
    }

    public async Task<TablePage> QueryAsync(string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null,
        string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(partitionKey);
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);

        var filter = new StringBuilder("PartitionKey eq ").Append(StorageNames.ODataLiteral(partitionKey));
        if (rowKeyFrom is not null)
        {
            filter.Append(" and RowKey ge ").Append(StorageNames.ODataLiteral(rowKeyFrom));
        }

        if (rowKeyTo is not null)
        {
            filter.Append(" and RowKey lt ").Append(StorageNames.ODataLiteral(rowKeyTo));
        }

        var (nextPartition, nextRow) = continuationToken is null ? (null, null) : TableContinuation.Unpack(continuationToken);
        using var message = CreateMessage(RequestMethod.Get, _tablePath + "()",
            ("$filter", filter.ToString()),
            ("$top", pageSize.ToString(CultureInfo.InvariantCulture)),
            ("NextPartitionKey", nextPartition),
            ("NextRowKey", nextRow));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        if (response.Status != 200)
        {
            throw StorageErrors.FromResponse(response, $"Query table '{TableName}' partition '{partitionKey}'");
        }

        var items = new List<TableEntity>();
        using (var doc = JsonDocument.Parse(response.Content.ToMemory()))
        {
            if (doc.RootElement.TryGetProperty("value", out var value))
            {
                foreach (var element in value.EnumerateArray())
                {
                    items.Add(TableEntityJson.Read(element));
                }
            }
        }

        response.Headers.TryGetValue("x-ms-continuation-NextPartitionKey", out var nextPk);
        response.Headers.TryGetValue("x-ms-continuation-NextRowKey", out var nextRk);
        return new TablePage(items, TableContinuation.Pack(nextPk, nextRk));
    }

    public async Task<IReadOnlyList<string?>> SubmitBatchAsync(IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count == 0)
        {
            return [];
        }

        CheckBatch(operations);
        var (body, contentType) = TableBatch.Build(operations, _client.AbsoluteUri(_tablePath));
        using var message = CreateMessage(RequestMethod.Post, "/$batch");
        message.Request.Headers.SetValue("Content-Type", contentType);
        message.Request.Content = RequestContent.Create(body);
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        var what = $"Batch of {operations.Count} operations on table '{TableName}' partition '{operations[0].Entity.PartitionKey}'";
        if (response.Status != 202)
        {
            var error = StorageErrors.FromResponse(response, what);
            var (_, errorMessage) = StorageErrors.ParseBody(ContentTypeOf(response), response.Content.ToMemory().Span);
            var whole = new TableBatch.Part(response.Status, response.ReasonPhrase, new Dictionary<string, string>(), string.Empty);
            throw TableBatch.FailedIndex(whole, errorMessage, operations.Count) is { } failed
                ? new TableBatchFailedException(failed, error)
                : error;
        }

        var parts = TableBatch.Parse(response.Content.ToString(), ContentTypeOf(response) ?? string.Empty);
        for (var i = 0; i < parts.Count; i++)
        {
            var part = parts[i];
            if (part.Status < 300)
            {
                continue;
            }

            // A failed changeset answers with the failing operation only, so its position in the
            // response says nothing: the index comes from the message prefix or the Content-ID.
            part.Headers.TryGetValue("Content-Type", out var partType);
            var partBody = Encoding.UTF8.GetBytes(part.Body);
            var (_, errorMessage) = StorageErrors.ParseBody(partType, partBody);
            var index = TableBatch.FailedIndex(part, errorMessage, operations.Count)
                ?? (parts.Count == operations.Count ? i : 0);
            var op = operations[index];
            var inner = StorageErrors.FromStatus(part.Status, part.Reason, null, partType, partBody,
                Describe(op.Kind.ToString(), op.Entity.PartitionKey, op.Entity.RowKey) + $" (batch operation {index})");
            throw new TableBatchFailedException(index, inner);
        }

        if (parts.Count != operations.Count)
        {
            throw new StorageRequestException(
                $"{what}: the service answered {parts.Count} operation responses instead of {operations.Count}.");
        }

        var etags = new string?[operations.Count];
        for (var i = 0; i < parts.Count; i++)
        {
            etags[i] = operations[i].Kind == TableOperationKind.Delete ? null : parts[i].Headers.GetValueOrDefault("ETag");
        }

        return etags;
    }

    private async Task<string> ReplaceAsync(TableEntity entity, string? etag, string verb, CancellationToken cancellationToken)
    {
        using var message = CreateMessage(RequestMethod.Put, _tablePath + StorageNames.EntityKeyPath(entity.PartitionKey, entity.RowKey));
        if (etag is not null)
        {
            message.Request.Headers.SetValue("If-Match", etag); // Without If-Match, PUT is insert-or-replace.
        }

        SetJsonBody(message.Request, TableEntityJson.Serialize(entity));
        var response = await _client.SendAsync(message, cancellationToken).ConfigureAwait(false);
        return response.Status == 204
            ? ETagOf(response)
            : throw StorageErrors.FromResponse(response, Describe(verb, entity.PartitionKey, entity.RowKey));
    }

    private static void CheckBatch(IReadOnlyList<TableOperation> operations)
    {
        if (operations.Count > TableBatch.MaxOperations)
        {
            throw new ArgumentException($"A table batch holds at most {TableBatch.MaxOperations} operations, not {operations.Count}.",
                nameof(operations));
        }

        var partition = operations[0].Entity.PartitionKey;
        var rows = new HashSet<string>(StringComparer.Ordinal);
        foreach (var op in operations)
        {
            ArgumentNullException.ThrowIfNull(op, nameof(operations));
            if (!string.Equals(op.Entity.PartitionKey, partition, StringComparison.Ordinal))
            {
                throw new ArgumentException("All operations of a table batch must share one PartitionKey.", nameof(operations));
            }

            if (!rows.Add(op.Entity.RowKey))
            {
                throw new ArgumentException($"A table batch may touch each entity once; RowKey '{op.Entity.RowKey}' appears twice.",
                    nameof(operations));
            }

            StorageNames.EntityKeyPath(op.Entity.PartitionKey, op.Entity.RowKey);
        }
    }

    private HttpMessage CreateMessage(RequestMethod method, string path, params (string Name, string? Value)[] query)
    {
        var message = _client.CreateMessage(method, path, query);
        var headers = message.Request.Headers;
        headers.SetValue("Accept", AcceptJson);
        headers.SetValue("DataServiceVersion", "3.0;NetFx");
        headers.SetValue("MaxDataServiceVersion", "3.0;NetFx");
        return message;
    }

    private static void SetJsonBody(Request request, byte[] json)
    {
        request.Headers.SetValue("Content-Type", "application/json");
        request.Headers.SetValue("Prefer", "return-no-content");
        request.Content = RequestContent.Create(json);
    }

    private string Describe(string verb, string partitionKey, string rowKey) =>
        $"{verb} entity ('{partitionKey}', '{rowKey}') in table '{TableName}'";

    private static string ETagOf(Response response) =>
        response.Headers.TryGetValue("ETag", out var etag) ? etag : string.Empty;

    private static string? ContentTypeOf(Response response) =>
        response.Headers.TryGetValue("Content-Type", out var type) ? type : null;

    private static string? ErrorCode(Response response) =>
        response.Headers.TryGetValue("x-ms-error-code", out var code) ? code : null;
}
