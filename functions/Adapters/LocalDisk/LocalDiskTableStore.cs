using System.Buffers.Binary;
using Serverless.Monitoring.Core.Hashing;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// A table as a folder with, per partition, a base file (<see cref="TablePartitionCodec"/>) and
/// an append-only journal beside it (<c>.part.log</c>). A write (single or batch) appends one
/// record holding the resulting entities and deletions, then fsyncs; a record is length- and
/// CRC32C-checked, so a torn tail (never acknowledged) is dropped and cut off at the next load,
/// and a batch stays all-or-nothing across a crash. When the journal would outgrow a quarter of
/// the base, the write folds instead: the whole partition goes to a new base (temp file, fsync,
/// rename) with a new random base id, then the journal is deleted. The journal's header names
/// the base id it extends, so a journal left over beside a newer base (a crash between the
/// two steps) is recognized as already folded and deleted. A partition without a base file
/// has id 0, which no journal has.
/// </summary>
/// <remarks>
/// One async lock per table serializes all operations, and decoded partitions are cached, so
/// this process must be the only writer of the table's folder (the embedded host is).
/// </remarks>
public sealed class LocalDiskTableStore : ITableStore
{
    private const int MaxBatchSize = 100;
    private const int MaxPageSize = 1000;
    private const int MaxKeyBytes = 1024; // Azure's 1 KiB, counted in UTF-16 as the service stores it
    private const int MaxProperties = 252; // 255 minus PartitionKey, RowKey and Timestamp
    private const int MaxPropertyNameLength = 255;
    private const int MaxStringLength = 32 * 1024; // 64 KiB of UTF-16
    private const int MaxBinaryLength = 64 * 1024;
    private const int MaxEntityBytes = 1024 * 1024;
    private const int MaxCachedPartitions = 4096;
    private const string PartitionFileSuffix = ".part";
    private const string JournalSuffix = ".log";
    private const int JournalHeaderBytes = 16; // "SMTJ", base id (int64 LE), CRC32C of the 12 bytes before
    private const int RecordHeaderBytes = 8; // payload length (int32 LE), CRC32C of the length's bytes and the payload
    private const int FoldDivisor = 4; // fold when the journal would exceed a quarter of the base

    // Edm.DateTime cannot hold earlier instants.
    private static readonly DateTimeOffset MinDateTime = new(1601, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly string _directory;
    private readonly string _tempDirectory;
    private readonly TimeProvider _timeProvider;
    private readonly AsyncLock _lock = new();
    private readonly Dictionary<string, PartitionState> _cache = new(StringComparer.Ordinal);

    internal LocalDiskTableStore(string directory, string tableName, TimeProvider timeProvider)
    {
        TableName = tableName;
        _directory = directory;
        _tempDirectory = Path.Combine(directory, LocalDiskFiles.TempDirectoryName);
        _timeProvider = timeProvider;
        LocalDiskFiles.DeleteStaleTempFiles(_tempDirectory);
    }

    public string TableName { get; }

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            Directory.CreateDirectory(_directory);
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"create table '{TableName}'", ex);
        }

        LocalDiskFiles.DeleteStaleTempFiles(_tempDirectory);
        return Task.CompletedTask;
    }

    public async Task<string> InsertAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        (await WriteAsync([TableOperation.Insert(Validated(entity))], batch: false, cancellationToken))[0]!;

    public async Task<string> UpsertAsync(TableEntity entity, CancellationToken cancellationToken = default) =>
        (await WriteAsync([TableOperation.Upsert(Validated(entity))], batch: false, cancellationToken))[0]!;

    public async Task<string> UpdateAsync(TableEntity entity, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(etag);
        return (await WriteAsync([TableOperation.Update(Validated(entity), etag)], batch: false, cancellationToken))[0]!;
    }

    public async Task<bool> DeleteAsync(string partitionKey, string rowKey, string etag = "*", CancellationToken cancellationToken = default)
    {
        ValidateKey(partitionKey, "PartitionKey");
        ValidateKey(rowKey, "RowKey");
        ArgumentException.ThrowIfNullOrEmpty(etag);
        try
        {
            using (await _lock.EnterAsync(cancellationToken))
            {
                if (!Directory.Exists(_directory))
                {
                    return false;
                }

                var state = await LoadAsync(partitionKey, cancellationToken);
                var entities = state.Entities;
                var index = IndexOf(entities, rowKey);
                if (index < 0)
                {
                    return false;
                }

                CheckETag(entities[index], partitionKey, etag);
                await SaveAsync(partitionKey, state, [.. entities[..index], .. entities[(index + 1)..]], [rowKey], [], cancellationToken);
                return true;
            }
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"write table '{TableName}'", ex);
        }
    }

    public async Task<TableEntity?> GetAsync(string partitionKey, string rowKey, CancellationToken cancellationToken = default)
    {
        ValidateKey(partitionKey, "PartitionKey");
        ValidateKey(rowKey, "RowKey");
        try
        {
            using (await _lock.EnterAsync(cancellationToken))
            {
                if (!Directory.Exists(_directory))
                {
                    return null;
                }

                var entities = (await LoadAsync(partitionKey, cancellationToken)).Entities;
                var index = IndexOf(entities, rowKey);
                return index < 0 ? null : ToTableEntity(partitionKey, entities[index]);
            }
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"read table '{TableName}'", ex);
        }
    }

    public async Task<TablePage> QueryAsync(string partitionKey, string? rowKeyFrom = null, string? rowKeyTo = null,
        string? continuationToken = null, int pageSize = MaxPageSize, CancellationToken cancellationToken = default)
    {
        ValidateKey(partitionKey, "PartitionKey");
        ArgumentOutOfRangeException.ThrowIfLessThan(pageSize, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(pageSize, MaxPageSize);
        var comparer = Utf8Ordinal.Instance;
        var from = rowKeyFrom;
        if (continuationToken is not null)
        {
            // The token is the next row key to return.
            var next = LocalDiskNaming.DecodeToken(continuationToken);
            if (from is null || comparer.Compare(next, from) > 0)
            {
                from = next;
            }
        }

        try
        {
            using (await _lock.EnterAsync(cancellationToken))
            {
                EnsureTableExists();
                var entities = (await LoadAsync(partitionKey, cancellationToken)).Entities;
                var i = from is null ? 0 : IndexOf(entities, from);
                if (i < 0)
                {
                    i = ~i;
                }

                var items = new List<TableEntity>(Math.Min(pageSize, entities.Length - i));
                bool InRange(int index) => index < entities.Length && (rowKeyTo is null || comparer.Compare(entities[index].RowKey, rowKeyTo) < 0);
                for (; items.Count < pageSize && InRange(i); i++)
                {
                    items.Add(ToTableEntity(partitionKey, entities[i]));
                }

                return new TablePage(items, InRange(i) ? LocalDiskNaming.EncodeToken(entities[i].RowKey) : null);
            }
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"read table '{TableName}'", ex);
        }
    }

    public async Task<IReadOnlyList<string?>> SubmitBatchAsync(IReadOnlyList<TableOperation> operations, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(operations);
        if (operations.Count is 0 or > MaxBatchSize)
        {
            throw new StorageRequestException($"A batch holds 1 to {MaxBatchSize} operations, not {operations.Count}.", "InvalidInput");
        }

        var partitionKey = operations[0].Entity.PartitionKey;
        var rowKeys = new HashSet<string>(StringComparer.Ordinal);
        foreach (var operation in operations)
        {
            ArgumentNullException.ThrowIfNull(operation);
            if (operation.Entity.PartitionKey != partitionKey)
            {
                throw new StorageRequestException("All operations of a batch must be in one partition.", "CommandsInBatchActOnDifferentPartitions");
            }

            if (!rowKeys.Add(operation.Entity.RowKey))
            {
                throw new StorageRequestException($"The batch has two operations on row key '{operation.Entity.RowKey}'.", "InvalidDuplicateRow");
            }
        }

        for (var i = 0; i < operations.Count; i++)
        {
            try
            {
                ArgumentException.ThrowIfNullOrEmpty(operations[i].ETag);
                if (operations[i].Kind == TableOperationKind.Delete)
                {
                    ValidateKey(partitionKey, "PartitionKey");
                    ValidateKey(operations[i].Entity.RowKey, "RowKey");
                }
                else
                {
                    Validated(operations[i].Entity);
                }
            }
            catch (StorageException ex)
            {
                throw new TableBatchFailedException(i, ex);
            }
        }

        return await WriteAsync(operations, batch: true, cancellationToken);
    }

    /// <summary>The file of a partition: its escaped key, or a hash when that is too long for a file name.</summary>
    internal string PartitionPath(string partitionKey)
    {
        var escaped = LocalDiskNaming.EscapeSegment(partitionKey);
        var fileName = escaped.Length <= LocalDiskNaming.MaxEscapedSegment ? escaped : "~" + LocalDiskNaming.Hash(partitionKey);
        return Path.Combine(_directory, fileName + PartitionFileSuffix);
    }

    /// <summary>
    /// Applies validated operations of one partition against its current state, all or none,
    /// and persists the result with a single file write.
    /// </summary>
    private async Task<string?[]> WriteAsync(IReadOnlyList<TableOperation> operations, bool batch, CancellationToken cancellationToken)
    {
        var partitionKey = operations[0].Entity.PartitionKey;
        try
        {
            using (await _lock.EnterAsync(cancellationToken))
            {
                EnsureTableExists();
                var state = await LoadAsync(partitionKey, cancellationToken);
                var entities = new List<StoredEntity>(state.Entities);
                var now = _timeProvider.GetUtcNow();
                var etag = NewETag(); // one per write, as Azure gives a batch's entities one Timestamp and so one ETag
                var etags = new string?[operations.Count];
                for (var i = 0; i < operations.Count; i++)
                {
                    try
                    {
                        etags[i] = Apply(entities, operations[i], now, etag);
                    }
                    catch (StorageException ex) when (batch)
                    {
                        throw new TableBatchFailedException(i, ex);
                    }
                }

                var deleted = new List<string>();
                var upserted = new List<StoredEntity>();
                for (var i = 0; i < operations.Count; i++)
                {
                    var rowKey = operations[i].Entity.RowKey;
                    if (etags[i] is null)
                    {
                        deleted.Add(rowKey);
                    }
                    else
                    {
                        upserted.Add(entities[IndexOf(entities, rowKey)]);
                    }
                }

                upserted.Sort((a, b) => Utf8Ordinal.Instance.Compare(a.RowKey, b.RowKey)); // for the codec's shared prefixes
                await SaveAsync(partitionKey, state, [.. entities], deleted, upserted, cancellationToken);
                return etags;
            }
        }
        catch (Exception ex) when (LocalDiskFiles.IsIoFailure(ex))
        {
            throw LocalDiskFiles.Unavailable($"write table '{TableName}'", ex);
        }
    }

    private static string? Apply(List<StoredEntity> entities, TableOperation operation, DateTimeOffset now, string etag)
    {
        var entity = operation.Entity;
        var index = IndexOf(entities, entity.RowKey);
        if (operation.Kind is TableOperationKind.Update or TableOperationKind.Delete)
        {
            if (index < 0)
            {
                throw new StorageNotFoundException(
                    $"Entity ('{entity.PartitionKey}', '{entity.RowKey}') does not exist.", "ResourceNotFound");
            }

            CheckETag(entities[index], entity.PartitionKey, operation.ETag);
            if (operation.Kind == TableOperationKind.Delete)
            {
                entities.RemoveAt(index);
                return null;
            }
        }
        else if (operation.Kind == TableOperationKind.Insert && index >= 0)
        {
            throw new StorageConflictException(
                $"Entity ('{entity.PartitionKey}', '{entity.RowKey}') already exists.", "EntityAlreadyExists");
        }

        var stored = new StoredEntity(entity.RowKey, etag, now, CopyProperties(entity));
        if (index >= 0)
        {
            entities[index] = stored;
        }
        else
        {
            entities.Insert(~index, stored);
        }

        return stored.ETag;
    }

    private static void CheckETag(StoredEntity current, string partitionKey, string etag)
    {
        if (etag != "*" && etag != current.ETag)
        {
            throw new StoragePreconditionFailedException(
                $"Entity ('{partitionKey}', '{current.RowKey}') no longer has ETag {etag}.", "UpdateConditionNotSatisfied");
        }
    }

    private static string NewETag() => "W/\"" + Guid.NewGuid().ToString("N") + "\"";

    private static KeyValuePair<string, object>[] CopyProperties(TableEntity entity)
    {
        var properties = new KeyValuePair<string, object>[entity.Properties.Count];
        var i = 0;
        foreach (var (name, value) in entity.Properties)
        {
            properties[i++] = new(name, value switch
            {
                byte[] bytes => bytes.ToArray(),
                DateTimeOffset time => time.ToUniversalTime(),
                _ => value,
            });
        }

        return properties;
    }

    private static TableEntity ToTableEntity(string partitionKey, StoredEntity stored)
    {
        var entity = new TableEntity(partitionKey, stored.RowKey) { ETag = stored.ETag, Timestamp = stored.Timestamp };
        foreach (var (name, value) in stored.Properties)
        {
            entity.Properties[name] = value is byte[] bytes ? bytes.ToArray() : value;
        }

        return entity;
    }

    /// <summary>The index of <paramref name="rowKey"/>, or the bitwise complement of where it would go.</summary>
    private static int IndexOf(IReadOnlyList<StoredEntity> entities, string rowKey)
    {
        int lo = 0, hi = entities.Count - 1;
        while (lo <= hi)
        {
            var mid = lo + ((hi - lo) >> 1);
            var c = Utf8Ordinal.Instance.Compare(entities[mid].RowKey, rowKey);
            if (c == 0)
            {
                return mid;
            }

            if (c < 0)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid - 1;
            }
        }

        return ~lo;
    }

    private static TableEntity Validated(TableEntity entity)
    {
        ArgumentNullException.ThrowIfNull(entity);
        ValidateKey(entity.PartitionKey, "PartitionKey");
        ValidateKey(entity.RowKey, "RowKey");
        if (entity.Properties.Count > MaxProperties)
        {
            throw new StorageRequestException($"An entity has at most {MaxProperties} properties.", "TooManyProperties");
        }

        long size = 2L * (entity.PartitionKey.Length + entity.RowKey.Length);
        foreach (var (name, value) in entity.Properties)
        {
            if (name.Length is 0 or > MaxPropertyNameLength || name is "PartitionKey" or "RowKey" or "Timestamp")
            {
                throw new StorageRequestException($"Invalid property name '{name}'.", "PropertyNameInvalid");
            }

            size += 2L * name.Length + value switch
            {
                string s when s.Length <= MaxStringLength && StorageNaming.IsWellFormedUtf16(s) => 4 + (2L * s.Length),
                byte[] b when b.Length <= MaxBinaryLength => 4 + b.Length,
                bool => 1,
                int => 4,
                long or double => 8,
                DateTimeOffset t when t >= MinDateTime => 8,
                Guid => 16,
                string or byte[] => throw new StorageRequestException(
                    $"Property '{name}' is too large or not well-formed Unicode.", "PropertyValueTooLarge"),
                DateTimeOffset => throw new StorageRequestException(
                    $"Property '{name}' is before {MinDateTime:yyyy-MM-dd}, which Azure Tables cannot store.", "OutOfRangeInput"),
                _ => throw new StorageRequestException(
                    $"Property '{name}' has unsupported type {value?.GetType().Name ?? "null"}.", "InvalidInput"),
            };
        }

        if (size > MaxEntityBytes)
        {
            throw new StorageRequestException("The entity is larger than 1 MiB.", "EntityTooLarge");
        }

        return entity;
    }

    private static void ValidateKey(string key, string which)
    {
        ArgumentNullException.ThrowIfNull(key, which);
        if (2 * key.Length > MaxKeyBytes)
        {
            throw new StorageRequestException($"{which} is longer than 1 KiB.", "KeyValueTooLarge");
        }

        foreach (var c in key)
        {
            if (c is '/' or '\\' or '#' or '?' || char.IsControl(c))
            {
                throw new StorageRequestException($"{which} '{key}' contains '/', '\\', '#', '?' or a control character.", "InvalidInput");
            }
        }

        if (!StorageNaming.IsWellFormedUtf16(key))
        {
            throw new StorageRequestException($"{which} is not well-formed Unicode.", "InvalidInput");
        }
    }

    private void EnsureTableExists()
    {
        if (!Directory.Exists(_directory))
        {
            throw new StorageNotFoundException($"Table '{TableName}' does not exist.", "TableNotFound");
        }
    }

    private string JournalPath(string partitionKey) => PartitionPath(partitionKey) + JournalSuffix;

    private async Task<PartitionState> LoadAsync(string partitionKey, CancellationToken cancellationToken)
    {
        if (_cache.TryGetValue(partitionKey, out var cached))
        {
            return cached;
        }

        StoredEntity[] entities;
        long baseId = 0, baseLength = 0, journalLength = 0;
        try
        {
            try
            {
                var data = await File.ReadAllBytesAsync(PartitionPath(partitionKey), cancellationToken);
                entities = TablePartitionCodec.Decode(data, out var storedKey, out baseId);
                baseLength = data.Length;
                if (storedKey != partitionKey)
                {
                    throw new InvalidDataException($"Partition file holds partition '{storedKey}'.");
                }
            }
            catch (FileNotFoundException)
            {
                entities = [];
            }

            (entities, journalLength) = await ReplayJournalAsync(partitionKey, entities, baseId, cancellationToken);
        }
        catch (InvalidDataException ex)
        {
            throw new StorageUnavailableException($"Table '{TableName}' partition '{partitionKey}' is unreadable: {ex.Message}", null, ex);
        }

        var state = new PartitionState(entities, baseId, baseLength, journalLength);
        Remember(partitionKey, state);
        return state;
    }

    /// <summary>
    /// Applies the journal's intact records to the base's entities. A journal of another base
    /// (already folded into this one) or without an intact header (its first write never
    /// completed) is deleted; a torn or corrupt tail (never acknowledged) is cut off.
    /// </summary>
    private async Task<(StoredEntity[] Entities, long JournalLength)> ReplayJournalAsync(
        string partitionKey, StoredEntity[] entities, long baseId, CancellationToken cancellationToken)
    {
        var path = JournalPath(partitionKey);
        byte[] journal;
        try
        {
            journal = await File.ReadAllBytesAsync(path, cancellationToken);
        }
        catch (FileNotFoundException)
        {
            return (entities, 0);
        }

        if (baseId == 0 || journal.Length < JournalHeaderBytes || !journal.AsSpan().StartsWith(JournalMagic) ||
            BinaryPrimitives.ReadUInt32LittleEndian(journal.AsSpan(12)) != Crc32C.Compute(journal.AsSpan(0, 12)) ||
            BinaryPrimitives.ReadInt64LittleEndian(journal.AsSpan(4)) != baseId)
        {
            File.Delete(path);
            return (entities, 0);
        }

        var rows = new Dictionary<string, StoredEntity>(entities.Length, StringComparer.Ordinal);
        foreach (var entity in entities)
        {
            rows[entity.RowKey] = entity;
        }

        var end = JournalHeaderBytes;
        while (journal.Length - end >= RecordHeaderBytes)
        {
            var length = BinaryPrimitives.ReadInt32LittleEndian(journal.AsSpan(end));
            if (length < 0 || length > journal.Length - end - RecordHeaderBytes ||
                BinaryPrimitives.ReadUInt32LittleEndian(journal.AsSpan(end + 4)) !=
                Crc32C.Append(Crc32C.Compute(journal.AsSpan(end, 4)), journal.AsSpan(end + RecordHeaderBytes, length)))
            {
                break;
            }

            var (deleted, upserted) = TablePartitionCodec.DecodeChange(journal.AsSpan(end + RecordHeaderBytes, length));
            foreach (var rowKey in deleted)
            {
                rows.Remove(rowKey);
            }

            foreach (var entity in upserted)
            {
                rows[entity.RowKey] = entity;
            }

            end += RecordHeaderBytes + length;
        }

        if (end < journal.Length)
        {
            await using var stream = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.None);
            stream.SetLength(end);
            stream.Flush(flushToDisk: true);
        }

        var result = rows.Values.ToArray();
        Array.Sort(result, (a, b) => Utf8Ordinal.Instance.Compare(a.RowKey, b.RowKey));
        return (result, end);
    }

    /// <summary>
    /// Persists one write: <paramref name="entities"/> is the partition afterwards, and
    /// <paramref name="deleted"/> and <paramref name="upserted"/> what changed. Appends a journal
    /// record, or folds everything into a new base when the journal would grow too large.
    /// </summary>
    private async Task SaveAsync(string partitionKey, PartitionState state, StoredEntity[] entities,
        IReadOnlyList<string> deleted, IReadOnlyList<StoredEntity> upserted, CancellationToken cancellationToken)
    {
        try
        {
            var change = TablePartitionCodec.EncodeChange(deleted, upserted);
            var journalLength = (state.JournalLength == 0 ? JournalHeaderBytes : state.JournalLength) + RecordHeaderBytes + change.Length;
            if (entities.Length == 0 || state.BaseId == 0 || journalLength > state.BaseLength / FoldDivisor)
            {
                await FoldAsync(partitionKey, state, entities, cancellationToken);
                return;
            }

            await AppendAsync(partitionKey, state, change, cancellationToken);
            Remember(partitionKey, new PartitionState(entities, state.BaseId, state.BaseLength, journalLength));
        }
        catch
        {
            _cache.Remove(partitionKey); // the outcome is unknown: the files are the truth
            throw;
        }
    }

    private async Task AppendAsync(string partitionKey, PartitionState state, byte[] change, CancellationToken cancellationToken)
    {
        var start = state.JournalLength == 0 ? JournalHeaderBytes : state.JournalLength;
        var buffer = new byte[start - state.JournalLength + RecordHeaderBytes + change.Length];
        var offset = 0;
        if (state.JournalLength == 0)
        {
            JournalMagic.CopyTo(buffer);
            BinaryPrimitives.WriteInt64LittleEndian(buffer.AsSpan(4), state.BaseId);
            BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(12), Crc32C.Compute(buffer.AsSpan(0, 12)));
            offset = JournalHeaderBytes;
        }

        BinaryPrimitives.WriteInt32LittleEndian(buffer.AsSpan(offset), change.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(buffer.AsSpan(offset + 4), Crc32C.Append(Crc32C.Compute(buffer.AsSpan(offset, 4)), change));
        change.CopyTo(buffer.AsSpan(offset + RecordHeaderBytes));
        await using var stream = new FileStream(JournalPath(partitionKey), new FileStreamOptions
        {
            Mode = FileMode.OpenOrCreate,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
            BufferSize = 0,
        });

        // Start where the last acknowledged record ends, overwriting whatever a failed write left.
        stream.SetLength(state.JournalLength);
        stream.Position = state.JournalLength;
        await stream.WriteAsync(buffer, cancellationToken);
        await LocalDiskFiles.FlushToDiskAsync(stream, cancellationToken);
    }

    /// <summary>Writes the whole partition as a new base, then drops the journal it includes.</summary>
    private async Task FoldAsync(string partitionKey, PartitionState state, StoredEntity[] entities, CancellationToken cancellationToken)
    {
        var path = PartitionPath(partitionKey);
        long baseId = 0, baseLength = 0;
        if (entities.Length == 0)
        {
            File.Delete(path); // id 0 now: a journal left over by a crash before the next line is stale
        }
        else
        {
            baseId = NewBaseId();
            var data = TablePartitionCodec.Encode(partitionKey, entities, baseId);
            await LocalDiskFiles.WriteAtomicallyAsync(_tempDirectory, path, data, cancellationToken);
            baseLength = data.Length;
        }

        if (state.JournalLength != 0 || File.Exists(JournalPath(partitionKey)))
        {
            File.Delete(JournalPath(partitionKey));
        }

        Remember(partitionKey, new PartitionState(entities, baseId, baseLength, 0));
    }

    private static long NewBaseId()
    {
        long id;
        do
        {
            id = BitConverter.ToInt64(Guid.NewGuid().ToByteArray());
        }
        while (id == 0);
        return id;
    }

    private static ReadOnlySpan<byte> JournalMagic => "SMTJ"u8;

    private void Remember(string partitionKey, PartitionState state)
    {
        if (_cache.Count >= MaxCachedPartitions && !_cache.ContainsKey(partitionKey))
        {
            _cache.Clear(); // crude but bounded; the files are the truth
        }

        _cache[partitionKey] = state;
    }

    /// <summary>A partition as loaded: its entities, its base's id and size, and its journal's size (0: none).</summary>
    private sealed record PartitionState(StoredEntity[] Entities, long BaseId, long BaseLength, long JournalLength);
}
