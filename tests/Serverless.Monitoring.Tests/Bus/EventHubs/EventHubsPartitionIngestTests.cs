using System.Globalization;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Storage.Conformance;
using Serverless.Monitoring.Tests.Storage.Engine;

namespace Serverless.Monitoring.Tests.Bus.EventHubs;

/// <summary>
/// The Event Hubs consumer's logic against an in-memory hub, with the real storage engine and
/// checkpoint table on local disk. Every event is one scrape of <see cref="SeriesPerEvent"/> series
/// of its own instance, so what is stored tells which events were.
/// </summary>
public sealed class EventHubsPartitionIngestTests : IDisposable
{
    private const int SeriesPerEvent = 3;
    private const string CheckpointTableName = "ehcheckpoints";
    private static readonly long T0 = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds();

    private readonly LocalDiskProviderScope _scope = new();
    private readonly MetricRegistry _metrics = new();
    private readonly List<string> _log = [];
    private readonly string _id = Guid.NewGuid().ToString("N")[..16];

    private ITableStore CheckpointTable => _scope.Provider.GetTableStore(CheckpointTableName);

    [Fact]
    public async Task A_run_stores_every_event_and_checkpoints_the_last_one()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        var scrapes = await PublishAsync(hub, 10);

        var result = await Ingest(hub, engine).RunAsync("0");

        Assert.Equal(new PartitionIngestResult("0", 10, 10, 0, 10 * SeriesPerEvent, 1, 9, 0, false), result);
        Assert.True(result.CaughtUp);
        await AssertStoredAsync(engine, scrapes);
        var checkpoint = await CheckpointAsync("0");
        Assert.Equal(9L, checkpoint!.GetInt64("SequenceNumber"));
        Assert.Null(checkpoint.GetInt64("PendingThrough"));
        Assert.Equal(hub.Now, checkpoint["EnqueuedTime"]);
    }

    [Fact]
    public async Task The_checkpoint_moves_only_after_its_batch_is_stored()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await PublishAsync(hub, 10);
        var writes = new List<string>();
        var table = new ObservingTableStore(CheckpointTable, async entity =>
        {
            // Each event has its own series: count what is stored when the checkpoint is written.
            var stored = (await ReadAllAsync(engine)).Count / SeriesPerEvent;
            writes.Add($"seq={entity.GetInt64("SequenceNumber")?.ToString(CultureInfo.InvariantCulture) ?? "-"} "
                + $"pending={entity.GetInt64("PendingThrough")?.ToString(CultureInfo.InvariantCulture) ?? "-"} stored={stored}");
        });

        var result = await Ingest(hub, engine, new() { MaxEventsPerRead = 4 }, table).RunAsync("0");

        Assert.Equal(3, result.Batches);
        Assert.Equal(
            ["seq=- pending=3 stored=0", "seq=3 pending=- stored=4",
             "seq=3 pending=7 stored=4", "seq=7 pending=- stored=8",
             "seq=7 pending=9 stored=8", "seq=9 pending=- stored=10"],
            writes);
    }

    [Fact]
    public async Task A_failing_store_leaves_the_checkpoint_where_it_was_and_the_events_come_back()
    {
        var hub = new InMemoryEventHub();
        var plan = new FaultPlan();
        var engine = await EngineAsync(new FaultyStorageProvider(_scope.Provider, plan));
        var first = await PublishAsync(hub, 5);
        Assert.Equal(4, (await Ingest(hub, engine).RunAsync("0")).Checkpoint);
        var second = await PublishAsync(hub, 5, firstInstance: 5);

        plan.Arm(0);
        await Assert.ThrowsAsync<InjectedFaultException>(() => Ingest(hub, engine).RunAsync("0"));
        plan.Disarm();

        var checkpoint = await CheckpointAsync("0");
        Assert.Equal(4L, checkpoint!.GetInt64("SequenceNumber"));
        Assert.Equal(9L, checkpoint.GetInt64("PendingThrough"));

        // The failed run's reads count; nothing of it counts as stored.
        Assert.Contains("bus_eventhubs_events_read_total{hub=\"samples\",partition=\"0\"} 10", Exposition(), StringComparison.Ordinal);
        Assert.Contains("bus_eventhubs_events_stored_total{hub=\"samples\",partition=\"0\"} 5", Exposition(), StringComparison.Ordinal);
        var retry = await Ingest(hub, engine).RunAsync("0");
        Assert.Equal((5, 5, 9L), (retry.EventsRead, retry.EventsStored, retry.Checkpoint));
        await AssertStoredAsync(engine, [.. first, .. second]);
    }

    [Fact]
    public async Task A_batch_replayed_after_a_crash_stores_nothing_twice_however_the_reads_cut_it()
    {
        var hub = new InMemoryEventHub { MaxPerReceive = 4 };
        var engine = await EngineAsync();
        var scrapes = await PublishAsync(hub, 10);

        // The batch of events 0..3 is stored, then the process dies before the checkpoint moves.
        var crashing = new ObservingTableStore(CheckpointTable, entity =>
            entity.GetInt64("PendingThrough") is null
                ? throw new StorageUnavailableException("simulated crash before the checkpoint")
                : Task.CompletedTask);
        await Assert.ThrowsAsync<StorageUnavailableException>(() => Ingest(hub, engine, table: crashing).RunAsync("0"));
        var samplesBefore = Counter("tsdb_ingested_samples_total");
        Assert.Equal(4 * SeriesPerEvent, samplesBefore);

        // The next run's receives return everything at once; the claimed range is still stored as it was cut.
        hub.MaxPerReceive = int.MaxValue;
        var later = await PublishAsync(hub, 2, firstInstance: 10);
        var result = await Ingest(hub, engine).RunAsync("0");

        Assert.Equal((12, 12, 2, 11L), (result.EventsRead, result.EventsStored, result.Batches, result.Checkpoint));
        Assert.Equal(samplesBefore + (8 * SeriesPerEvent), Counter("tsdb_ingested_samples_total"));
        await AssertStoredAsync(engine, [.. scrapes, .. later]);
    }

    [Fact]
    public async Task Losing_the_checkpoint_race_stops_the_run_without_failing()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        var scrapes = await PublishAsync(hub, 10);
        var slow = Ingest(hub, engine);
        var fast = Ingest(hub, engine);
        PartitionIngestResult? fastResult = null;

        // The slow instance has read the checkpoint; the fast one does the whole partition meanwhile.
        hub.BeforeRead = async _ =>
        {
            hub.BeforeRead = null;
            fastResult = await fast.RunAsync("0");
        };
        var slowResult = await slow.RunAsync("0");

        Assert.Equal((10, 9L, false), (fastResult!.EventsStored, fastResult.Checkpoint, fastResult.CheckpointRaceLost));
        Assert.True(slowResult.CheckpointRaceLost);
        Assert.Equal((10, 0, 0, 9L), (slowResult.EventsRead, slowResult.EventsStored, slowResult.Batches, slowResult.Checkpoint));
        Assert.Contains(_log, l => l.Contains("another instance moved the checkpoint", StringComparison.Ordinal));
        Assert.Contains("bus_eventhubs_checkpoint_conflicts_total{hub=\"samples\",partition=\"0\"} 1", Exposition(), StringComparison.Ordinal);
        await AssertStoredAsync(engine, scrapes);
    }

    [Fact]
    public async Task Lag_is_what_is_enqueued_after_the_checkpoint_and_runs_are_bounded()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await PublishAsync(hub, 10);
        var ingest = Ingest(hub, engine, new() { MaxEventsPerRead = 3, MaxEventsPerRun = 4 });

        var first = await ingest.RunAsync("0");
        Assert.Equal((4, 3L, 6L, false), (first.EventsRead, first.Checkpoint, first.Lag, first.CaughtUp));
        Assert.Equal(new (string, long?, int)[] { ("0", null, 3), ("0", 2, 1) }, hub.Reads);
        Assert.Contains("bus_eventhubs_consumer_lag_events{hub=\"samples\",partition=\"0\"} 6", Exposition(), StringComparison.Ordinal);

        var second = await ingest.RunAsync("0");
        Assert.Equal((7L, 2L), (second.Checkpoint, second.Lag));
        var third = await ingest.RunAsync("0");
        Assert.Equal((2, 9L, 0L, true), (third.EventsRead, third.Checkpoint, third.Lag, third.CaughtUp));

        var exposition = Exposition();
        Assert.Contains("bus_eventhubs_consumer_lag_events{hub=\"samples\",partition=\"0\"} 0", exposition, StringComparison.Ordinal);
        Assert.Contains("bus_eventhubs_events_read_total{hub=\"samples\",partition=\"0\"} 10", exposition, StringComparison.Ordinal);
        Assert.Contains("bus_eventhubs_events_stored_total{hub=\"samples\",partition=\"0\"} 10", exposition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_run_stops_reading_when_its_time_is_up()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await PublishAsync(hub, 10);
        var time = new ManualTimeProvider(hub.Now);
        hub.BeforeRead = _ =>
        {
            time.Now += TimeSpan.FromSeconds(20);
            return Task.CompletedTask;
        };

        var result = await Ingest(hub, engine, new() { MaxEventsPerRead = 2, MaxRunTime = TimeSpan.FromSeconds(30) }, time: time).RunAsync("0");

        Assert.Equal((4, 3L, 6L), (result.EventsRead, result.Checkpoint, result.Lag));
    }

    [Fact]
    public async Task A_run_reads_only_what_was_enqueued_when_it_started()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await PublishAsync(hub, 5);
        hub.BeforeRead = async _ =>
        {
            hub.BeforeRead = null;
            await PublishAsync(hub, 1, firstInstance: 5);
        };

        var result = await Ingest(hub, engine, new() { MaxEventsPerRead = 2 }).RunAsync("0");

        // Events 0..4 in three reads; the sixth, sent during the run, is the lag it reports.
        Assert.Equal((5, 4L, 1L, 3), (result.EventsRead, result.Checkpoint, result.Lag, hub.Reads.Count));
    }

    [Fact]
    public async Task An_empty_partition_is_not_read_and_gets_no_checkpoint()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();

        var result = await Ingest(hub, engine).RunAsync("0");

        Assert.Equal(new PartitionIngestResult("0", 0, 0, 0, 0, 0, null, 0, false), result);
        Assert.Empty(hub.Reads);
        Assert.Null(await CheckpointAsync("0"));
        Assert.Contains("bus_eventhubs_consumer_lag_events{hub=\"samples\",partition=\"0\"} 0", Exposition(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_caught_up_partition_is_not_read_again()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await PublishAsync(hub, 3);
        var ingest = Ingest(hub, engine);
        await ingest.RunAsync("0");
        var reads = hub.Reads.Count;

        var again = await ingest.RunAsync("0");

        Assert.Equal(new PartitionIngestResult("0", 0, 0, 0, 0, 0, 2, 0, false), again);
        Assert.Equal(reads, hub.Reads.Count);
    }

    [Fact]
    public async Task Undecodable_events_are_left_out_and_checkpointed_past()
    {
        var hub = new InMemoryEventHub(partitions: 2);
        var engine = await EngineAsync();
        var scrapes = await PublishAsync(hub, 1, partitionKeyOf: _ => "p0");
        var partition = hub.PartitionFor("p0");
        hub.Append(partition, "not a remote-write message"u8.ToArray());
        var after = await PublishAsync(hub, 1, firstInstance: 1, partitionKeyOf: _ => "p0");
        var other = partition == "0" ? "1" : "0";
        hub.Append(other, "garbage alone"u8.ToArray());
        var ingest = Ingest(hub, engine);

        var mixed = await ingest.RunAsync(partition);
        var alone = await ingest.RunAsync(other);

        Assert.Equal((3, 2, 1, 1, 2L, true), (mixed.EventsRead, mixed.EventsStored, mixed.EventsUndecodable, mixed.Batches, mixed.Checkpoint, mixed.CaughtUp));
        Assert.Equal((1, 0, 1, 0, 0L, true), (alone.EventsRead, alone.EventsStored, alone.EventsUndecodable, alone.Batches, alone.Checkpoint, alone.CaughtUp));
        Assert.Contains(_log, l => l.Contains("is not a valid remote-write message", StringComparison.Ordinal));
        Assert.Contains("bus_undecodable_messages_total 2", Exposition(), StringComparison.Ordinal);
        await AssertStoredAsync(engine, [.. scrapes, .. after]);

        var reads = hub.Reads.Count;
        Assert.True((await ingest.RunAsync(partition)).CaughtUp);
        Assert.Equal(reads, hub.Reads.Count);
    }

    [Fact]
    public async Task Every_partition_is_ingested_and_a_targets_events_stay_on_one_partition()
    {
        var hub = new InMemoryEventHub(partitions: 4);
        var engine = await EngineAsync();
        var publisher = new SamplePublisher(hub);
        var expected = new List<SeriesSamples[]>();
        for (var round = 0; round < 3; round++)
        {
            for (var target = 0; target < 12; target++)
            {
                var scrape = BusTestData.Scrape(SeriesPerEvent, T0 + (round * 15_000L), seed: (round * 100) + target, instance: $"target-{target}");
                await publisher.PublishAsync($"target-{target}", scrape);
                expected.Add(scrape);
            }
        }

        var ingest = Ingest(hub, engine);
        var partitions = await ingest.GetPartitionIdsAsync();
        var results = await Task.WhenAll(partitions.Select(p => ingest.RunAsync(p)));

        Assert.Equal(["0", "1", "2", "3"], partitions);
        Assert.Equal(36, results.Sum(r => r.EventsStored));
        Assert.All(results, r => Assert.Equal(hub.Events(r.PartitionId).Count - 1, r.Checkpoint ?? -1));
        Assert.True(results.Count(r => r.EventsStored > 0) > 1, "the targets spread over several partitions");
        foreach (var partition in partitions)
        {
            // Each target's three scrapes are on its key's partition, in the order they were sent.
            foreach (var e in hub.Events(partition))
            {
                var instance = RemoteWriteCodec.Decode(e.Body.Span).Series[0].Labels.Get("instance");
                Assert.Equal(hub.PartitionFor(instance!), partition);
            }
        }

        await AssertStoredAsync(engine, expected.SelectMany(s => s)
            .GroupBy(s => s.Labels)
            .Select(g => new SeriesSamples(g.Key, g.SelectMany(s => s.Samples).ToArray())));
        Assert.Equal(4, Exposition().Split('\n').Count(l => l.StartsWith("bus_eventhubs_consumer_lag_events{", StringComparison.Ordinal) && l.EndsWith(" 0", StringComparison.Ordinal)));
        Assert.All(await ingest.RunAllAsync(), r => Assert.Equal((0, true), (r.EventsRead, r.CaughtUp)));
    }

    [Fact]
    public async Task An_unreachable_hub_fails_the_run_with_a_clear_error_and_nothing_is_acknowledged()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await PublishAsync(hub, 3);
        var ingest = Ingest(hub, engine);
        await ingest.RunAsync("0");
        await PublishAsync(hub, 2, firstInstance: 3);

        hub.Failure = new TimeoutException("The operation did not complete within the allocated time.");
        var error = await Assert.ThrowsAsync<EventHubsReadException>(() => ingest.RunAsync("0"));
        var list = await Assert.ThrowsAsync<EventHubsReadException>(() => ingest.GetPartitionIdsAsync());

        Assert.IsType<TimeoutException>(error.InnerException);
        Assert.Equal(
            "Could not read the properties of event hub 'samples' partition 0 in namespace 'unit-test.servicebus.windows.net' (consumer group '$Default') "
            + "after the client's retries: The operation did not complete within the allocated time. "
            + "The checkpoint stays at 2: nothing read and not stored is acknowledged.",
            error.Message);
        Assert.StartsWith("Could not list the partitions of event hub 'samples' in namespace 'unit-test.servicebus.windows.net'", list.Message, StringComparison.Ordinal);
        var checkpoint = await CheckpointAsync("0");
        Assert.Equal((2L, (long?)null), (checkpoint!.GetInt64("SequenceNumber"), checkpoint.GetInt64("PendingThrough")));

        hub.Failure = null;
        var recovered = await ingest.RunAsync("0");
        Assert.Equal((2, 4L), (recovered.EventsStored, recovered.Checkpoint));
    }

    [Fact]
    public async Task A_read_that_fails_after_the_retries_names_the_hub_and_keeps_the_checkpoint()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await PublishAsync(hub, 4);
        var ingest = Ingest(hub, engine, new() { MaxEventsPerRead = 2 });
        hub.BeforeRead = _ => hub.Reads.Count == 2 ? throw new IOException("connection reset") : Task.CompletedTask;

        var error = await Assert.ThrowsAsync<EventHubsReadException>(() => ingest.RunAsync("0"));

        Assert.StartsWith("Could not read event hub 'samples' partition 0 in namespace", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("connection reset. The checkpoint stays at 1: nothing read and not stored is acknowledged.", error.Message, StringComparison.Ordinal);
        Assert.Equal(1L, (await CheckpointAsync("0"))!.GetInt64("SequenceNumber"));
    }

    [Fact]
    public async Task Cancellation_is_not_reported_as_an_unreachable_hub()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await PublishAsync(hub, 2);
        using var cancel = new CancellationTokenSource();
        hub.BeforeRead = async _ => await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Ingest(hub, engine).RunAsync("0", cancel.Token));
        Assert.Null(await CheckpointAsync("0"));
    }

    [Fact]
    public async Task A_checkpoint_past_the_partitions_end_is_from_a_recreated_hub_and_is_reset()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        await CheckpointTable.CreateIfNotExistsAsync();
        await CheckpointTable.InsertAsync(new TableEntity("samples:$Default", "0") { ["SequenceNumber"] = 1000L });
        var scrapes = await PublishAsync(hub, 3);

        var result = await Ingest(hub, engine).RunAsync("0");

        Assert.Equal((3, 2L), (result.EventsStored, result.Checkpoint));
        Assert.Contains(_log, l => l.Contains("was the hub recreated?", StringComparison.Ordinal));
        await AssertStoredAsync(engine, scrapes);
    }

    [Fact]
    public async Task Expired_events_are_skipped_and_not_counted_as_lag()
    {
        var hub = new InMemoryEventHub();
        var engine = await EngineAsync();
        var scrapes = await PublishAsync(hub, 10);
        hub.Expire("0", 5);

        var result = await Ingest(hub, engine).RunAsync("0");

        Assert.Equal((4, 9L, 0L), (result.EventsStored, result.Checkpoint, result.Lag));
        await AssertStoredAsync(engine, scrapes[(6 * SeriesPerEvent)..]);
    }

    public static TheoryData<long, long, bool, long?, long> LagCases => new()
    {
        // beginning, last enqueued, empty, checkpoint → lag
        { 0, -1, true, null, 0 },
        { 0, 9, false, null, 10 },
        { 0, 9, false, 3, 6 },
        { 0, 9, false, 9, 0 },
        { 5, 9, false, null, 5 },
        { 5, 9, false, 2, 5 },
        { 5, 9, false, 7, 2 },
        { 10, 9, true, 4, 0 },
        { 0, 9, false, 12, 0 },
    };

    [Theory]
    [MemberData(nameof(LagCases))]
    public void Lag_counts_the_retained_events_after_the_checkpoint(long beginning, long last, bool empty, long? checkpoint, long lag) =>
        Assert.Equal(lag, new EventPartitionState(beginning, last, empty).LagAfter(checkpoint));

    public void Dispose() => _scope.Dispose();

    private EventHubsPartitionIngest Ingest(InMemoryEventHub hub, StorageEngine engine, EventHubsIngestOptions? options = null, ITableStore? table = null, TimeProvider? time = null) =>
        new(hub, table ?? CheckpointTable, new IngestProcessor(engine, _metrics, _log.Add), options, _metrics, time, _log.Add);

    private Task<StorageEngine> EngineAsync(IStorageProvider? provider = null) =>
        StorageEngine.OpenAsync(provider ?? _scope.Provider, new StorageEngineOptions
        {
            BlockContainer = "tsdb-" + _id,
            CatalogTable = "cat" + _id,
            LabelIndexTable = "lbl" + _id,
            CacheSizeBytes = 4 << 20,
        }, metrics: _metrics);

    /// <summary>Publishes <paramref name="count"/> scrapes, one event each, of instances <c>host-{firstInstance}</c> on.</summary>
    private static async Task<SeriesSamples[]> PublishAsync(InMemoryEventHub hub, int count, int firstInstance = 0, Func<string, string>? partitionKeyOf = null)
    {
        var publisher = new SamplePublisher(hub);
        var all = new List<SeriesSamples>();
        for (var i = firstInstance; i < firstInstance + count; i++)
        {
            var instance = $"host-{i}";
            var scrape = BusTestData.Scrape(SeriesPerEvent, T0, seed: i, instance: instance);
            var published = await publisher.PublishAsync(partitionKeyOf?.Invoke(instance) ?? "one-target", scrape);
            Assert.Equal(1, published.Messages);
            all.AddRange(scrape);
        }

        return [.. all];
    }

    private async Task<TableEntity?> CheckpointAsync(string partitionId)
    {
        await CheckpointTable.CreateIfNotExistsAsync();
        return await CheckpointTable.GetAsync("samples:$Default", partitionId);
    }

    private static async Task AssertStoredAsync(StorageEngine engine, IEnumerable<SeriesSamples> expected)
    {
        var stored = await ReadAllAsync(engine);
        var want = expected.ToList();
        Assert.Equal(want.Count, stored.Count);
        foreach (var series in want)
        {
            Assert.Equal(series.Samples, stored[series.Labels]);
        }
    }

    private static async Task<Dictionary<LabelSet, Sample[]>> ReadAllAsync(StorageEngine engine)
    {
        var selection = await engine.SelectAsync([], long.MinValue, long.MaxValue);
        Assert.Empty(selection.Warnings);
        return selection.Series.ToDictionary(s => s.Labels, s => s.ToArray());
    }

    private double Counter(string name)
    {
        var line = Exposition().Split('\n').Single(l => l.StartsWith(name + " ", StringComparison.Ordinal));
        return double.Parse(line[(name.Length + 1)..], CultureInfo.InvariantCulture);
    }

    private string Exposition()
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        _metrics.WriteTo(buffer);
        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
