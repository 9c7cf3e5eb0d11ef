using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>
/// Partition checkpoints of one event hub and consumer group in a table: one entity per partition
/// (PartitionKey <c>{hub}:{consumer group}</c>, RowKey the partition ID), written only under the ETag
/// it was read with (inserted when absent). A write that finds the entity changed means another
/// instance moved it: reported as a lost race (null), not as a failure.
/// </summary>
internal sealed class EventHubsCheckpointStore
{
    private const string SequenceNumberProperty = "SequenceNumber";
    private const string PendingThroughProperty = "PendingThrough";
    private const string EnqueuedTimeProperty = "EnqueuedTime";

    private readonly ITableStore _table;
    private volatile bool _tableExists;

    public EventHubsCheckpointStore(ITableStore table, string eventHub, string consumerGroup)
    {
        ArgumentNullException.ThrowIfNull(table);
        CheckKeyPart(eventHub, nameof(eventHub));
        CheckKeyPart(consumerGroup, nameof(consumerGroup));
        _table = table;
        PartitionKey = eventHub + ":" + consumerGroup;
    }

    /// <summary>The table partition holding this consumer group's checkpoints.</summary>
    public string PartitionKey { get; }

    public async Task<PartitionCheckpoint> ReadAsync(string partitionId, CancellationToken cancellationToken)
    {
        CheckKeyPart(partitionId, nameof(partitionId));
        await EnsureTableAsync(cancellationToken).ConfigureAwait(false);
        var entity = await _table.GetAsync(PartitionKey, partitionId, cancellationToken).ConfigureAwait(false);
        if (entity is null)
        {
            return new PartitionCheckpoint(partitionId, null, null, null, null);
        }

        return new PartitionCheckpoint(
            partitionId,
            entity.GetInt64(SequenceNumberProperty),
            entity.GetInt64(PendingThroughProperty),
            entity[EnqueuedTimeProperty] as DateTimeOffset?,
            entity.ETag);
    }

    /// <summary>
    /// Replaces <paramref name="current"/> (as last read or written) with <paramref name="next"/>.
    /// Returns <paramref name="next"/> with its new ETag, or null when another writer changed,
    /// created or deleted the entity since <paramref name="current"/>.
    /// </summary>
    public async Task<PartitionCheckpoint?> TryReplaceAsync(PartitionCheckpoint current, PartitionCheckpoint next, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(next);
        if (next.PartitionId != current.PartitionId)
        {
            throw new ArgumentException("a checkpoint replaces one of the same partition", nameof(next));
        }

        var entity = new TableEntity(PartitionKey, next.PartitionId)
        {
            [SequenceNumberProperty] = next.SequenceNumber,
            [PendingThroughProperty] = next.PendingThrough,
            [EnqueuedTimeProperty] = next.EnqueuedTime,
        };
        try
        {
            var etag = current.ETag is null
                ? await _table.InsertAsync(entity, cancellationToken).ConfigureAwait(false)
                : await _table.UpdateAsync(entity, current.ETag, cancellationToken).ConfigureAwait(false);
            return next with { ETag = etag };
        }
        catch (StorageException e) when (e is StorageConflictException or StoragePreconditionFailedException or StorageNotFoundException)
        {
            return null;
        }
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        if (!_tableExists)
        {
            // Idempotent, so racing callers may both create it.
            await _table.CreateIfNotExistsAsync(cancellationToken).ConfigureAwait(false);
            _tableExists = true;
        }
    }

    private static void CheckKeyPart(string value, string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(value, name);
        foreach (var c in value)
        {
            // Table keys forbid these; event hub, consumer group and partition names never contain them.
            if (c is '/' or '\\' or '#' or '?' or ':' || char.IsControl(c))
            {
                throw new ArgumentException($"'{value}' cannot be part of a checkpoint key (it contains '{c}').", name);
            }
        }
    }
}
