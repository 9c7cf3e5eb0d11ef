using System.Globalization;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>
/// Ingestion from Event Hubs without the trigger: one <see cref="RunAsync"/> per partition (e.g. one
/// Durable activity each, fanned out over <see cref="GetPartitionIdsAsync"/>) reads batches after the
/// partition's checkpoint, stores each through the <see cref="IngestProcessor"/> and only then
/// advances the checkpoint. Per batch:
/// <list type="number">
/// <item>read up to <see cref="EventHubsIngestOptions.MaxEventsPerRead"/> events after the checkpoint;</item>
/// <item>claim them: write the checkpoint entity with <c>PendingThrough</c> = the last one (under its ETag);</item>
/// <item>store them as one batch (message IDs <see cref="BusMessage.EventHubsId"/>);</item>
/// <item>advance: checkpoint = the last one, nothing pending (under the ETag of step 2).</item>
/// </list>
/// A run that finds a batch pending (an earlier run died between 2 and 4) first reads and stores exactly
/// that range again: the same message IDs give the same batch ID, so the replay stores nothing twice,
/// however the receives cut the events this time. A storage failure propagates with the checkpoint
/// unmoved; undecodable events are left out and checkpointed past, so they never block the partition.
/// A run reads only what was enqueued when it started, and stops early at
/// <see cref="EventHubsIngestOptions.MaxEventsPerRun"/> or <see cref="EventHubsIngestOptions.MaxRunTime"/>.
/// </summary>
public sealed class EventHubsPartitionIngest
{
    private readonly IEventPartitionSource _source;
    private readonly EventHubsCheckpointStore _checkpoints;
    private readonly Func<IReadOnlyList<BusMessage>, CancellationToken, Task<IngestOutcome>> _ingest;
    private readonly EventHubsIngestOptions _options;
    private readonly TimeProvider _time;
    private readonly Action<string>? _log;
    private readonly Gauge? _lag;
    private readonly Counter? _read;
    private readonly Counter? _stored;
    private readonly Counter? _conflicts;

    /// <param name="source">The event hub and consumer group to read.</param>
    /// <param name="checkpointTable">Where the checkpoints live (created on first use).</param>
    /// <param name="processor">Stores the batches.</param>
    /// <param name="options">Batch size and the bounds of one run.</param>
    /// <param name="metrics">Receives the lag gauge and the event counters.</param>
    /// <param name="time">The clock of the run-time bound.</param>
    /// <param name="log">Warnings: a lost checkpoint race, a checkpoint reset.</param>
    public EventHubsPartitionIngest(
        IEventPartitionSource source,
        ITableStore checkpointTable,
        IngestProcessor processor,
        EventHubsIngestOptions? options = null,
        MetricRegistry? metrics = null,
        TimeProvider? time = null,
        Action<string>? log = null)
        : this(source, checkpointTable, (processor ?? throw new ArgumentNullException(nameof(processor))).ProcessAsync, options, metrics, time, log)
    {
    }

    /// <param name="source">The event hub and consumer group to read.</param>
    /// <param name="checkpointTable">Where the checkpoints live (created on first use).</param>
    /// <param name="ingest">Stores a batch (the host passes the ingest job run by its job runner).</param>
    /// <param name="options">Batch size and the bounds of one run.</param>
    /// <param name="metrics">Receives the lag gauge and the event counters.</param>
    /// <param name="time">The clock of the run-time bound.</param>
    /// <param name="log">Warnings: a lost checkpoint race, a checkpoint reset.</param>
    public EventHubsPartitionIngest(
        IEventPartitionSource source,
        ITableStore checkpointTable,
        Func<IReadOnlyList<BusMessage>, CancellationToken, Task<IngestOutcome>> ingest,
        EventHubsIngestOptions? options = null,
        MetricRegistry? metrics = null,
        TimeProvider? time = null,
        Action<string>? log = null)
    {
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(checkpointTable);
        ArgumentNullException.ThrowIfNull(ingest);
        _options = options ?? new EventHubsIngestOptions();
        _options.Validate();
        _source = source;
        _checkpoints = new EventHubsCheckpointStore(checkpointTable, source.EventHubName, source.ConsumerGroup);
        _ingest = ingest;
        _time = time ?? TimeProvider.System;
        _log = log;
        _lag = metrics?.CreateGauge("bus_eventhubs_consumer_lag_events", "Events enqueued in an Event Hubs partition after its checkpoint, as of the last ingest run.", "hub", "partition");
        _read = metrics?.CreateCounter("bus_eventhubs_events_read_total", "Events read from Event Hubs partitions (replays included).", "hub", "partition");
        _stored = metrics?.CreateCounter("bus_eventhubs_events_stored_total", "Events from Event Hubs partitions whose samples were stored.", "hub", "partition");
        _conflicts = metrics?.CreateCounter("bus_eventhubs_checkpoint_conflicts_total", "Ingest runs that stopped because another instance moved the partition's checkpoint.", "hub", "partition");
    }

    public string EventHubName => _source.EventHubName;

    /// <summary>The partitions to fan out over.</summary>
    /// <exception cref="EventHubsReadException">The hub could not be reached after the client's retries.</exception>
    public Task<IReadOnlyList<string>> GetPartitionIdsAsync(CancellationToken cancellationToken = default) =>
        FromSourceAsync(() => _source.GetPartitionIdsAsync(cancellationToken), "list the partitions of", null, cancellationToken);

    /// <summary>One run over every partition at once (a host without an orchestrator).</summary>
    public async Task<IReadOnlyList<PartitionIngestResult>> RunAllAsync(CancellationToken cancellationToken = default)
    {
        var partitions = await GetPartitionIdsAsync(cancellationToken).ConfigureAwait(false);
        return await Task.WhenAll(partitions.Select(p => RunAsync(p, cancellationToken))).ConfigureAwait(false);
    }

    /// <summary>Reads, stores and checkpoints one partition for at most one run's worth (see the class).</summary>
    /// <exception cref="EventHubsReadException">The hub could not be read after the client's retries; the checkpoint covers only what is stored.</exception>
    /// <exception cref="StorageException">Storing or checkpointing failed; the checkpoint did not move past anything unstored.</exception>
    public async Task<PartitionIngestResult> RunAsync(string partitionId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(partitionId);
        var started = _time.GetUtcNow();
        var run = new RunTally(_read?.WithLabels(EventHubName, partitionId), _stored?.WithLabels(EventHubName, partitionId));
        var checkpoint = await _checkpoints.ReadAsync(partitionId, cancellationToken).ConfigureAwait(false);
        var state = await StateAsync(checkpoint, cancellationToken).ConfigureAwait(false);
        if (checkpoint.SequenceNumber > state.LastEnqueuedSequenceNumber)
        {
            // Sequence numbers never go back in one hub: this checkpoint belongs to a deleted and recreated one.
            _log?.Invoke($"event hub '{EventHubName}' partition {partitionId}: the checkpoint {checkpoint.SequenceNumber} is past the last enqueued event "
                + $"{state.LastEnqueuedSequenceNumber} (was the hub recreated?); reading the partition from its start");
            checkpoint = checkpoint with { SequenceNumber = null, PendingThrough = null, EnqueuedTime = null };
        }

        PartitionCheckpoint? current = checkpoint;
        if (checkpoint.PendingThrough is long pendingThrough && pendingThrough > (checkpoint.SequenceNumber ?? long.MinValue))
        {
            // An earlier run claimed this range and died before checkpointing it: store exactly it again.
            var events = await ReadRangeAsync(checkpoint, pendingThrough, cancellationToken).ConfigureAwait(false);
            run.Read(events.Count);
            current = await StoreAndAdvanceAsync(checkpoint, events, pendingThrough, run, cancellationToken).ConfigureAwait(false);
        }

        // Only what was enqueued when the run started: a run ends instead of waiting for new events.
        while (current is not null
            && state.LagAfter(current.SequenceNumber) is var left and > 0
            && run.EventsRead < _options.MaxEventsPerRun
            && _time.GetUtcNow() - started < _options.MaxRunTime)
        {
            var max = (int)Math.Min(left, Math.Min(_options.MaxEventsPerRead, _options.MaxEventsPerRun - run.EventsRead));
            var after = current.SequenceNumber;
            var events = await FromSourceAsync(
                () => _source.ReadAsync(partitionId, after, max, _options.ReadWait, cancellationToken), "read", current, cancellationToken).ConfigureAwait(false);
            if (events.Count == 0)
            {
                break;
            }

            run.Read(events.Count);
            var through = events[^1].SequenceNumber;
            var claimed = await ReplaceAsync(current, current with { PendingThrough = through }, cancellationToken).ConfigureAwait(false);
            current = claimed is null ? null : await StoreAndAdvanceAsync(claimed, events, through, run, cancellationToken).ConfigureAwait(false);
        }

        var final = current ?? await _checkpoints.ReadAsync(partitionId, cancellationToken).ConfigureAwait(false);
        if (run.EventsRead > 0)
        {
            state = await StateAsync(final, cancellationToken).ConfigureAwait(false);
        }

        var lag = state.LagAfter(final.SequenceNumber);
        _lag?.WithLabels(EventHubName, partitionId).Set(lag);
        if (current is null)
        {
            _conflicts?.WithLabels(EventHubName, partitionId).Inc();
        }

        return new PartitionIngestResult(
            partitionId, run.EventsRead, run.EventsStored, run.EventsUndecodable, run.Samples, run.Batches, final.SequenceNumber, lag, current is null);
    }

    /// <summary>Stores the events as one batch, then checkpoints <paramref name="through"/>; null when the checkpoint race was lost.</summary>
    private async Task<PartitionCheckpoint?> StoreAndAdvanceAsync(
        PartitionCheckpoint claimed, IReadOnlyList<ReceivedEvent> events, long through, RunTally run, CancellationToken cancellationToken)
    {
        if (events.Count > 0)
        {
            var messages = new BusMessage[events.Count];
            for (var i = 0; i < messages.Length; i++)
            {
                messages[i] = new BusMessage(BusMessage.EventHubsId(EventHubName, claimed.PartitionId, events[i].SequenceNumber), events[i].Body);
            }

            // A storage failure propagates here: the checkpoint still says this range is pending.
            var outcome = await _ingest(messages, cancellationToken).ConfigureAwait(false);
            run.Stored(outcome);
        }

        var enqueued = events.Count > 0 ? events[^1].EnqueuedTime : claimed.EnqueuedTime;
        return await ReplaceAsync(claimed, claimed with { SequenceNumber = through, PendingThrough = null, EnqueuedTime = enqueued }, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>The events (checkpoint, through], over as many reads as it takes; fewer when some expired meanwhile.</summary>
    private async Task<List<ReceivedEvent>> ReadRangeAsync(PartitionCheckpoint checkpoint, long through, CancellationToken cancellationToken)
    {
        var events = new List<ReceivedEvent>();
        var after = checkpoint.SequenceNumber;
        while (after is null || after < through)
        {
            var remaining = after is long a ? (int)Math.Min(through - a, _options.MaxEventsPerRead) : _options.MaxEventsPerRead;
            var from = after;
            var read = await FromSourceAsync(
                () => _source.ReadAsync(checkpoint.PartitionId, from, remaining, _options.ReadWait, cancellationToken), "read", checkpoint, cancellationToken).ConfigureAwait(false);
            if (read.Count == 0)
            {
                break;
            }

            foreach (var e in read)
            {
                if (e.SequenceNumber <= through)
                {
                    events.Add(e);
                }
            }

            after = read[^1].SequenceNumber;
        }

        return events;
    }

    private async Task<PartitionCheckpoint?> ReplaceAsync(PartitionCheckpoint current, PartitionCheckpoint next, CancellationToken cancellationToken)
    {
        var written = await _checkpoints.TryReplaceAsync(current, next, cancellationToken).ConfigureAwait(false);
        if (written is null)
        {
            _log?.Invoke($"event hub '{EventHubName}' partition {current.PartitionId}: another instance moved the checkpoint; this run stops reading the partition");
        }

        return written;
    }

    private Task<EventPartitionState> StateAsync(PartitionCheckpoint checkpoint, CancellationToken cancellationToken) =>
        FromSourceAsync(() => _source.GetPartitionStateAsync(checkpoint.PartitionId, cancellationToken), "read the properties of", checkpoint, cancellationToken);

    /// <summary>Runs a call to the source; a failure (after the client's retries) becomes one clear error naming hub, namespace and checkpoint.</summary>
    private async Task<T> FromSourceAsync<T>(Func<Task<T>> call, string what, PartitionCheckpoint? checkpoint, CancellationToken cancellationToken)
    {
        try
        {
            return await call().ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            var where = checkpoint is null ? "" : $" partition {checkpoint.PartitionId}";
            var stays = checkpoint is null
                ? ""
                : string.Create(CultureInfo.InvariantCulture, $" The checkpoint stays at {(checkpoint.SequenceNumber is long n ? n.ToString(CultureInfo.InvariantCulture) : "none")}: nothing read and not stored is acknowledged.");
            throw new EventHubsReadException(
                $"Could not {what} event hub '{_source.EventHubName}'{where} in namespace '{_source.FullyQualifiedNamespace}' "
                + $"(consumer group '{_source.ConsumerGroup}') after the client's retries: {e.Message.TrimEnd('.')}.{stays}",
                e);
        }
    }

    /// <summary>What one run did so far; the partition's counters move as it goes, so a run that fails still counts.</summary>
    private sealed class RunTally(Counter? read, Counter? stored)
    {
        public int EventsRead { get; private set; }

        public int EventsStored { get; private set; }

        public int EventsUndecodable { get; private set; }

        public long Samples { get; private set; }

        public int Batches { get; private set; }

        public void Read(int events)
        {
            EventsRead += events;
            read?.Inc(events);
        }

        public void Stored(IngestOutcome outcome)
        {
            EventsStored += outcome.Ingested.Count;
            EventsUndecodable += outcome.Undecodable.Count;
            Samples += outcome.Stored?.Samples ?? 0;
            Batches += outcome.BatchId is null ? 0 : 1;
            stored?.Inc(outcome.Ingested.Count);
        }
    }
}
