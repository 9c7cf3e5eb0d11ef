using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Tests.Storage.Engine;

/// <summary>Thrown by the fault-injecting stores in place of a write: a simulated crash.</summary>
public sealed class InjectedFaultException(int write) : Exception($"injected fault at write {write}")
{
    public int Write { get; } = write;
}

/// <summary>
/// Shared by the wrappers of one provider: counts writes (blob puts and deletes, table writes)
/// and fails the one numbered <see cref="FailAt"/> (0-based, counted from <see cref="Arm"/>),
/// before it reaches the store. Also counts table operations for the write-amplification test.
/// </summary>
public sealed class FaultPlan
{
    private int _writes;
    private int _tableOperations;
    private int _tableRequests;

    public int FailAt { get; private set; } = -1;

    public int Writes => Volatile.Read(ref _writes);

    public int TableOperations => Volatile.Read(ref _tableOperations);

    public int TableRequests => Volatile.Read(ref _tableRequests);

    public void Arm(int failAt)
    {
        FailAt = failAt;
        Reset();
    }

    public void Disarm() => FailAt = -1;

    public void Reset()
    {
        Volatile.Write(ref _writes, 0);
        Volatile.Write(ref _tableOperations, 0);
        Volatile.Write(ref _tableRequests, 0);
    }

    internal void BeforeWrite()
    {
        var n = Interlocked.Increment(ref _writes) - 1;
        if (n == FailAt)
        {
            throw new InjectedFaultException(n);
        }
    }

    internal void CountTable(int operations)
    {
        Interlocked.Add(ref _tableOperations, operations);
        Interlocked.Increment(ref _tableRequests);
    }
}

public sealed class FaultyStorageProvider(IStorageProvider inner, FaultPlan plan) : IStorageProvider
{
    public IBlobStore GetBlobStore(string container) => new FaultyBlobStore(inner.GetBlobStore(container), plan);

    public ITableStore GetTableStore(string table) => new FaultyTableStore(inner.GetTableStore(table), plan);

    public IMessageQueue GetQueue(string queue, QueueOptions? options = null) => inner.GetQueue(queue, options);
}

public sealed class FaultyBlobStore(IBlobStore inner, FaultPlan plan) : IBlobStore
{
    public string Container => inner.Container;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => inner.CreateIfNotExistsAsync(cancellationToken);

    public Task<BlobProperties> PutAsync(string name, Stream content, StorageCondition condition = default, CancellationToken cancellationToken = default)
    {
        plan.BeforeWrite();
        return inner.PutAsync(name, content, condition, cancellationToken);
    }

    public Task<BlobContent> GetAsync(string name, ByteRange? range = null, CancellationToken cancellationToken = default) =>
        inner.GetAsync(name, range, cancellationToken);

    public Task<BlobProperties?> GetPropertiesAsync(string name, CancellationToken cancellationToken = default) =>
        inner.GetPropertiesAsync(name, cancellationToken);

    public Task<BlobPage> ListAsync(string prefix, string? continuationToken = null, int pageSize = 5000, CancellationToken cancellationToken = default) =>
        inner.ListAsync(prefix, continuationToken, pageSize, cancellationToken);

    public Task<bool> DeleteAsync(string name, StorageCondition condition = default, CancellationToken cancellationToken = default)
    {
        plan.BeforeWrite();
        return inner.DeleteAsync(name, condition, cancellationToken);
    }
}

public sealed class FaultyTableStore(ITableStore inner, FaultPlan plan) : ITableStore
{
    public string TableName => inner.TableName;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default) => inner.CreateIfNotExistsAsync(cancellationToken);

    public Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        Write(1);
        return inner.InsertAsync(entity, cancellationToken);
    }

    public Task<string> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default)
    {
        Write(1);
        return inner.UpsertAsync(entity, cancellationToken);
    }

    public Task<string> UpdateAsync(TableEntity entity, string etag, CancellationToken cancellationToken = default)
    {
        Write(1);
        return inner.UpdateAsync(entity, etag, cancellationToken);
    }

    public Task<bool> DeleteAsync(string partitionKey, string rowKey, string etag = "*", CancellationToken cancellationToken = default)
    {
        Write(1);
        return inner.DeleteAsync(partitionKey, rowKey, etag, cancellationToken);
    }

    public Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default) =>
        inner.GetAsync(partitionKey, rowKey, cancellationToken);

    public Task<TablePage> QueryAsync(string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null, string? continuationToken = null, int pageSize = 1000, CancellationToken cancellationToken = default) =>
        inner.QueryAsync(partitionKey, rowKeyFrom, rowKeyTo, continuationToken, pageSize, cancellationToken);

    public Task<IReadOnlyList<string?>> SubmitBatchAsync(IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        Write(operations.Count);
        return inner.SubmitBatchAsync(operations, cancellationToken);
    }

    private void Write(int operations)
    {
        plan.BeforeWrite();
        plan.CountTable(operations);
    }
}

public sealed class ManualTimeProvider(DateTimeOffset now) : TimeProvider
{
    public DateTimeOffset Now { get; set; } = now;

    public override DateTimeOffset GetUtcNow() => Now;
}
