using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Bus.EventHubs;

namespace Serverless.Monitoring.Tests.Bus.EventHubs;

/// <summary>
/// An event hub in memory: partitions of consecutively numbered events. As a transport it puts a
/// publication on the partition its key hashes to (as Event Hubs does with a partition key); as a
/// source it serves one consumer group. Receives return at most <see cref="MaxPerReceive"/> events
/// (a real receive returns what its prefetch holds), and <see cref="BeforeRead"/> runs inside each read.
/// </summary>
internal sealed class InMemoryEventHub : IEventPartitionSource, ISampleTransport
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, List<ReceivedEvent>> _partitions = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _expiredThrough = new(StringComparer.Ordinal);

    public InMemoryEventHub(int partitions = 1, string name = "samples")
    {
        EventHubName = name;
        for (var i = 0; i < partitions; i++)
        {
            _partitions[i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = [];
        }
    }

    public string FullyQualifiedNamespace => "unit-test.servicebus.windows.net";

    public string EventHubName { get; }

    public string ConsumerGroup => "$Default";

    public int MaxMessageBytes => 256 * 1024;

    public int MaxPerReceive { get; set; } = int.MaxValue;

    /// <summary>Thrown by every call while set (an unreachable hub after the client's retries).</summary>
    public Exception? Failure { get; set; }

    /// <summary>Runs at the start of each read with the partition ID.</summary>
    public Func<string, Task>? BeforeRead { get; set; }

    public List<(string Partition, long? After, int Max)> Reads { get; } = [];

    public DateTimeOffset Now { get; set; } = new(2024, 3, 20, 12, 0, 0, TimeSpan.Zero);

    /// <summary>The partition a key goes to: a stable hash of it (FNV-1a), as the service hashes keys.</summary>
    public string PartitionFor(string partitionKey)
    {
        var hash = 2166136261u;
        foreach (var c in partitionKey)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return (hash % (uint)_partitions.Count).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }

    public long Append(string partitionId, ReadOnlyMemory<byte> body)
    {
        lock (_gate)
        {
            var events = _partitions[partitionId];
            var sequenceNumber = events.Count;
            events.Add(new ReceivedEvent(partitionId, sequenceNumber, body.ToArray(), Now));
            return sequenceNumber;
        }
    }

    /// <summary>Retention drops the events up to <paramref name="sequenceNumber"/>.</summary>
    public void Expire(string partitionId, long sequenceNumber)
    {
        lock (_gate)
        {
            _expiredThrough[partitionId] = sequenceNumber;
        }
    }

    public IReadOnlyList<ReceivedEvent> Events(string partitionId)
    {
        lock (_gate)
        {
            return [.. _partitions[partitionId]];
        }
    }

    public Task SendAsync(string partitionKey, IReadOnlyList<ReadOnlyMemory<byte>> messages, CancellationToken cancellationToken)
    {
        var partition = PartitionFor(partitionKey);
        foreach (var message in messages)
        {
            Append(partition, message);
        }

        return Task.CompletedTask;
    }

    public Task<IReadOnlyList<string>> GetPartitionIdsAsync(CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        return Task.FromResult<IReadOnlyList<string>>([.. _partitions.Keys]);
    }

    public Task<EventPartitionState> GetPartitionStateAsync(string partitionId, CancellationToken cancellationToken)
    {
        ThrowIfFailing();
        lock (_gate)
        {
            var events = _partitions[partitionId];
            var beginning = _expiredThrough.TryGetValue(partitionId, out var expired) ? expired + 1 : 0;
            return Task.FromResult(new EventPartitionState(beginning, events.Count - 1, beginning >= events.Count));
        }
    }

    public async Task<IReadOnlyList<ReceivedEvent>> ReadAsync(string partitionId, long? afterSequenceNumber, int maxEvents, TimeSpan maxWait, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEvents, 1);
        cancellationToken.ThrowIfCancellationRequested();
        ThrowIfFailing();
        lock (_gate)
        {
            Reads.Add((partitionId, afterSequenceNumber, maxEvents));
        }

        if (BeforeRead is { } hook)
        {
            await hook(partitionId);
            cancellationToken.ThrowIfCancellationRequested();
        }

        lock (_gate)
        {
            var beginning = _expiredThrough.TryGetValue(partitionId, out var expired) ? expired + 1 : 0;
            var from = Math.Max(beginning, (afterSequenceNumber ?? -1) + 1);
            var events = _partitions[partitionId];
            var count = (int)Math.Clamp(events.Count - from, 0, Math.Min(maxEvents, MaxPerReceive));
            return count == 0 ? [] : events.GetRange((int)from, count);
        }
    }

    private void ThrowIfFailing()
    {
        if (Failure is { } failure)
        {
            throw failure;
        }
    }
}
