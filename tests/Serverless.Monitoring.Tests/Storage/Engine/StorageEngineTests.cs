using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Storage.Catalog;

namespace Serverless.Monitoring.Tests.Storage.Engine;

/// <summary>Ingest, query, compaction, retention and bad input, on every adapter.</summary>
public abstract class StorageEngineTests : StorageEngineTestBase
{
    [Fact]
    public async Task Ingest_then_select_returns_every_value_bit_exact()
    {
        var engine = await OpenAsync();
        var labels = Series("special", "job", "x");
        double[] values = [double.NaN, double.PositiveInfinity, double.NegativeInfinity, -0.0, 0.0, StaleMarker.Value,
            BitConverter.UInt64BitsToDouble(0x7ff8000000000001), double.Epsilon, double.MaxValue, 1.5];
        var batch = new SampleBatch("b1", [new SeriesSamples(labels, values.Select((v, i) => new Sample(Base + (i * 1000), v)).ToArray())]);
        var result = await engine.IngestAsync(batch);
        Assert.Equal(1, result.Series);
        Assert.Equal(values.Length, result.Samples);
        Assert.Equal(1, result.Blocks);

        var reference = new Reference();
        reference.Add(batch);
        AssertSameData(reference, await ReadAllAsync(engine));
        var stale = (await ReadAllAsync(engine))[labels][5];
        Assert.True(stale.IsStale);
    }

    [Fact]
    public async Task Out_of_order_and_duplicate_samples_in_a_batch_are_sorted_and_deduplicated()
    {
        var engine = await OpenAsync();
        var labels = Series("ooo");
        Sample[] samples =
        [
            new(Base + 3000, 3), new(Base + 1000, 1), new(Base + 2000, 2), new(Base + 1000, 1), // repeated delivery
            new(Base + 2000, 5), new(Base + 2000, -7), // conflicts: the greatest bit pattern (-7) wins
        ];
        var batch = new SampleBatch("ooo", [new SeriesSamples(labels, samples), new SeriesSamples(labels, [new Sample(Base, 0)])]);
        var result = await engine.IngestAsync(batch);
        Assert.Equal(1, result.Series);
        Assert.Equal(4, result.Samples);

        var got = (await ReadAllAsync(engine))[labels];
        Assert.Equal([new(Base, 0), new(Base + 1000, 1), new(Base + 2000, -7), new(Base + 3000, 3)], got);
        Assert.Equal(-7, SampleConflict.Resolve(5, -7));
    }

    [Fact]
    public async Task Select_filters_by_matchers_and_clips_to_the_range_and_seeks()
    {
        var engine = await OpenAsync();
        var a = Series("up", "job", "a");
        var b = Series("up", "job", "b");
        var c = Series("other", "job", "a");
        await engine.IngestAsync(new SampleBatch("m", [Samples(a, Base, 100), Samples(b, Base, 100), Samples(c, Base, 100)]));

        var selection = await engine.SelectAsync([LabelMatcher.Equal("__name__", "up")], Base + (10 * 15_000), Base + (19 * 15_000));
        Assert.Equal([a, b], selection.Series.Select(s => s.Labels));
        Assert.Equal(10, selection.Series[0].ToArray().Length);
        Assert.Equal(Base + (10 * 15_000), selection.Series[0].ToArray()[0].TimestampMs);

        var it = selection.Series[1].Iterator();
        Assert.True(it.Seek(Base + (15 * 15_000) - 1));
        Assert.Equal(15, it.Value);
        Assert.True(it.Seek(Base)); // never backwards
        Assert.Equal(15, it.Value);
        Assert.False(it.Seek(Base + (20 * 15_000)));

        var none = await engine.SelectAsync([LabelMatcher.RegexMatch("job", "z.*")], long.MinValue, long.MaxValue);
        Assert.Empty(none.Series);
    }

    [Theory]
    [InlineData(null, null)] // the whole selected range
    [InlineData(10 * 15_000L, 19 * 15_000L)] // on samples
    [InlineData((10 * 15_000L) + 1, (19 * 15_000L) - 1)] // between samples
    [InlineData(45 * 15_000L, 50 * 15_000L)] // where the two blocks overlap
    [InlineData(200 * 15_000L, null)] // after the selected range
    public async Task Bulk_append_yields_what_the_iterator_yields_from_one_block_and_from_overlapping_blocks(long? fromOffset, long? toOffset)
    {
        var from = fromOffset is { } f ? Base + f : long.MinValue;
        var to = toOffset is { } t ? Base + t : long.MaxValue;
        var engine = await OpenAsync();
        var single = Series("bulk", "blocks", "one");
        var merged = Series("bulk", "blocks", "two");
        await engine.IngestAsync(new SampleBatch("b1", [Samples(single, Base, 100), Samples(merged, Base, 60)]));
        await engine.IngestAsync(new SampleBatch("b2", [Samples(merged, Base + (40 * 15_000), 60)])); // a second block overlapping the first

        // Twice: the second selection takes its series entries from the block cache.
        for (var pass = 0; pass < 2; pass++)
        {
            var selection = await engine.SelectAsync([LabelMatcher.Equal("__name__", "bulk")], Base + (5 * 15_000), Base + (80 * 15_000));
            Assert.Equal([single, merged], selection.Series.Select(s => s.Labels));
            Assert.Equal(2, selection.Series[1].BlockCount);
            foreach (var series in selection.Series)
            {
                var expected = series.ToArray().Where(x => x.TimestampMs >= from && x.TimestampMs <= to).ToArray();
                var timestamps = new List<long>();
                var values = new List<double>();
                series.AppendTo(from, to, timestamps, values);
                Assert.Equal(expected, timestamps.Zip(values, (t, v) => new Sample(t, v)));
            }

            Assert.Equal(76, selection.Series[0].ToArray().Length);
        }
    }

    [Fact]
    public async Task A_batch_spanning_windows_writes_one_block_per_window()
    {
        var engine = await OpenAsync();
        var labels = Series("wide");
        var batch = new SampleBatch("wide", [Samples(labels, Base, 5 * 60, 60_000)]); // 5 hours: three 2 h windows
        var result = await engine.IngestAsync(batch);
        Assert.Equal(3, result.Blocks);
        var reference = new Reference();
        reference.Add(batch);
        AssertSameData(reference, await ReadAllAsync(engine));
    }

    [Fact]
    public async Task A_replayed_batch_adds_nothing()
    {
        var engine = await OpenAsync();
        var batch = new SampleBatch("replay", [Samples(Series("r", "i", "1"), Base, 50), Samples(Series("r", "i", "2"), Base, 50)]);
        var first = await engine.IngestAsync(batch);
        var again = await (await OpenAsync()).IngestAsync(batch);
        Assert.Equal(1, first.Blocks);
        Assert.Equal(0, again.Blocks);
        Assert.Equal(1, again.ReplayedBlocks);
        Assert.Single(await engine.Catalog.ListAsync(long.MinValue, long.MaxValue));
        var reference = new Reference();
        reference.Add(batch);
        AssertSameData(reference, await ReadAllAsync(engine));
    }

    [Fact]
    public async Task A_replayed_batch_adds_nothing_after_its_block_was_compacted()
    {
        var engine = await OpenAsync();
        var reference = new Reference();
        var batches = Enumerable.Range(0, 3)
            .Select(i => new SampleBatch($"c{i}", [Samples(Series("c"), Base + (i * 1000), 40, 30_000)])).ToArray();
        foreach (var b in batches)
        {
            await engine.IngestAsync(b);
            reference.Add(b);
        }

        var compaction = await engine.CompactAsync();
        Assert.Equal(1, compaction.MergedBlocks);
        var replay = await (await OpenAsync()).IngestAsync(batches[1]);
        Assert.Equal(0, replay.Blocks);
        Assert.Equal(1, replay.ReplayedBlocks);

        var all = await engine.Catalog.ListAsync(long.MinValue, long.MaxValue, includeRetired: true);
        Assert.Single(all, e => e.State == BlockState.Active);
        Assert.Equal(3, all.Count(e => e.State == BlockState.Retired && e.BlobDeleted));
        AssertSameData(reference, await ReadAllAsync(engine));
    }

    [Fact]
    public async Task Table_writes_per_batch_grow_with_new_series_not_with_samples()
    {
        var series = Enumerable.Range(0, 20).Select(i => Series("tw", "i", i.ToString(System.Globalization.CultureInfo.InvariantCulture))).ToArray();
        var engine = await OpenAsync();
        Plan.Reset();
        await engine.IngestAsync(new SampleBatch("small", series.Select(s => Samples(s, Base, 10, 60_000)).ToArray()));
        var firstWrites = Plan.TableOperations;

        Plan.Reset();
        await engine.IngestAsync(new SampleBatch("big", series.Select(s => Samples(s, Base + 1, 100, 6_000)).ToArray()));
        var secondWrites = Plan.TableOperations;

        Assert.True(firstWrites > 20, $"first batch wrote {firstWrites} table operations");
        Assert.True(secondWrites <= firstWrites, $"second batch: {secondWrites} table operations, first {firstWrites}");
        Assert.True(secondWrites <= 2, $"second batch of known series wrote {secondWrites} table operations");
    }

    [Fact]
    public async Task Compaction_merges_a_window_into_one_block_without_duplicates()
    {
        var engine = await OpenAsync();
        var reference = new Reference();
        var a = Series("cm", "k", "a");
        var b = Series("cm", "k", "b");
        SampleBatch[] batches =
        [
            new("x1", [Samples(a, Base, 60), Samples(b, Base, 30)]),
            new("x2", [Samples(a, Base + (30 * 15_000), 60)]), // overlaps x1 with identical samples
            new("x3", [Samples(a, Base + (10 * 15_000), 5, 15_000, i => 1000 + i)]), // conflicting values
            new("x4", [Samples(b, Base + (3 * Hour), 10)]), // another 2 h window, alone
        ];
        foreach (var batch in batches)
        {
            await engine.IngestAsync(batch);
            reference.Add(batch);
        }

        AssertSameData(reference, await ReadAllAsync(engine));
        var result = await engine.CompactAsync();
        Assert.Equal(2, result.MergedBlocks); // the 2 h window, then the 6 h window
        Assert.Empty(result.Warnings);
        var active = await engine.Catalog.ListAsync(long.MinValue, long.MaxValue);
        var merged = Assert.Single(active);
        Assert.Equal(2, merged.Level);
        Assert.Equal(reference.SampleCount, merged.NumSamples);
        AssertSameData(reference, await ReadAllAsync(engine));
        AssertSameData(reference, await ReadAllAsync(await OpenAsync()));

        var again = await engine.CompactAsync();
        Assert.Equal(0, again.MergedBlocks);
    }

    [Fact]
    public async Task Compaction_leaves_windows_that_have_not_ended()
    {
        var engine = await OpenAsync();
        var start = Now.ToUnixTimeMilliseconds() - (Now.ToUnixTimeMilliseconds() % (2 * Hour));
        await engine.IngestAsync(new SampleBatch("open1", [Samples(Series("open"), start, 3)]));
        await engine.IngestAsync(new SampleBatch("open2", [Samples(Series("open"), start + 1, 3)]));
        var result = await engine.CompactAsync();
        Assert.Equal(0, result.MergedBlocks);
        Assert.Equal(2, (await engine.Catalog.ListAsync(long.MinValue, long.MaxValue)).Count);
    }

    [Fact]
    public async Task A_window_still_filling_is_merged_once_it_holds_HeadCompactionBlocks_blocks()
    {
        Options = Options with { HeadCompactionBlocks = 4 };
        var engine = await OpenAsync();
        var reference = new Reference();
        var start = Now.ToUnixTimeMilliseconds() - (Now.ToUnixTimeMilliseconds() % (2 * Hour));
        for (var i = 0; i < 6; i++)
        {
            // Live scraping: a batch per scrape, each a level-0 block of the open window.
            var batch = new SampleBatch($"head{i}", [Samples(Series("head"), start + (i * 15_000), 1), Samples(Series("head", "k", "v"), start + (i * 15_000), 1, 15_000, _ => i)]);
            await engine.IngestAsync(batch);
            reference.Add(batch);
            var result = await engine.CompactAsync();
            Assert.Equal(i == 3 ? 1 : 0, result.MergedBlocks);
        }

        // Four merged into one, then two more level-0 blocks: three, under the threshold again.
        Assert.Equal(3, (await engine.Catalog.ListAsync(long.MinValue, long.MaxValue)).Count);
        AssertSameData(reference, await ReadAllAsync(engine));
    }

    [Fact]
    public async Task A_crash_at_any_compaction_step_loses_and_doubles_nothing_and_a_rerun_finishes()
    {
        var steps = 0;
        for (var failAt = 0; ; failAt++)
        {
            Options = Options with { BlockContainer = $"tsdb-f{failAt}-{Guid.NewGuid():N}"[..40], CatalogTable = $"catf{failAt}{Guid.NewGuid():N}"[..30], LabelIndexTable = $"lblf{failAt}{Guid.NewGuid():N}"[..30] };
            Plan.Disarm();
            var engine = await OpenAsync();
            var reference = new Reference();
            SampleBatch[] batches =
            [
                new("f1", [Samples(Series("f", "s", "1"), Base, 20), Samples(Series("f", "s", "2"), Base, 20)]),
                new("f2", [Samples(Series("f", "s", "1"), Base + (10 * 15_000), 20, 15_000, i => i + 10)]),
                new("f3", [Samples(Series("f", "s", "1"), Base + 7, 3, 15_000, i => -i)]),
            ];
            foreach (var batch in batches)
            {
                await engine.IngestAsync(batch);
                reference.Add(batch);
            }

            Plan.Arm(failAt);
            var crashed = false;
            try
            {
                await (await OpenAsync()).CompactAsync();
            }
            catch (InjectedFaultException)
            {
                crashed = true;
            }

            Plan.Disarm();
            AssertSameData(reference, await ReadAllAsync(await OpenAsync()));
            if (!crashed)
            {
                break;
            }

            steps++;
            await (await OpenAsync()).CompactAsync();
            var fresh = await OpenAsync();
            AssertSameData(reference, await ReadAllAsync(fresh));
            var all = await fresh.Catalog.ListAsync(long.MinValue, long.MaxValue, includeRetired: true);
            Assert.Single(all, e => e.State == BlockState.Active);
            Assert.All(all.Where(e => e.State == BlockState.Retired), e => Assert.True(e.BlobDeleted));
            var blobs = await fresh.Blobs.ListAsync(Options.BlobPrefix);
            Assert.Single(blobs.Items);
        }

        // Put merged blob, insert row, retire 3 sources, delete 3 blobs and mark 3 rows.
        Assert.True(steps >= 11, $"only {steps} compaction steps were observed");
    }

    [Fact]
    public async Task A_crash_at_any_ingest_step_doubles_nothing_and_a_replay_finishes()
    {
        var steps = 0;
        for (var failAt = 0; ; failAt++)
        {
            Options = Options with { BlockContainer = $"tsdb-i{failAt}-{Guid.NewGuid():N}"[..40], CatalogTable = $"cati{failAt}{Guid.NewGuid():N}"[..30], LabelIndexTable = $"lbli{failAt}{Guid.NewGuid():N}"[..30] };
            Plan.Disarm();
            var engine = await OpenAsync();
            var earlier = new SampleBatch("earlier", [Samples(Series("g", "s", "1"), Base, 10)]);
            await engine.IngestAsync(earlier);
            var batch = new SampleBatch("crash", [Samples(Series("g", "s", "1"), Base + (5 * 15_000), 30, 5 * 60_000), Samples(Series("g", "s", "2"), Base, 10)]);
            var reference = new Reference();
            reference.Add(earlier);
            reference.Add(batch);

            Plan.Arm(failAt);
            var crashed = false;
            try
            {
                await (await OpenAsync()).IngestAsync(batch);
            }
            catch (InjectedFaultException)
            {
                crashed = true;
            }

            Plan.Disarm();
            var partial = await ReadAllAsync(await OpenAsync());
            foreach (var (labels, samples) in partial)
            {
                Assert.Equal(samples.Length, samples.Select(s => s.TimestampMs).Distinct().Count());
                Assert.All(samples, s => Assert.Equal(reference.Series[labels][s.TimestampMs], BitConverter.DoubleToUInt64Bits(s.Value)));
            }

            if (!crashed)
            {
                break;
            }

            steps++;
            await (await OpenAsync()).IngestAsync(batch);
            var fresh = await OpenAsync();
            AssertSameData(reference, await ReadAllAsync(fresh));
            Assert.Equal(["g"], await fresh.LabelValuesAsync("__name__", long.MinValue, long.MaxValue));
            Assert.Equal(2, (await fresh.SeriesAsync([LabelMatcher.Equal("__name__", "g")], Base, Base + Day)).Count);
        }

        Assert.True(steps >= 5, $"only {steps} ingest steps were observed");
    }

    [Fact]
    public async Task Label_names_values_and_series_come_from_the_index()
    {
        var engine = await OpenAsync();
        var a = Series("http_requests_total", "job", "api", "code", "200");
        var b = Series("http_requests_total", "job", "api", "code", "500");
        var c = Series("up", "job", "db", "ünïcödé", "välue/#?\\");
        await engine.IngestAsync(new SampleBatch("l1", [Samples(a, Base, 3), Samples(b, Base, 3)]));
        await engine.IngestAsync(new SampleBatch("l2", [Samples(c, Base + (2 * Day), 3)]));

        Assert.Equal(["__name__", "code", "job", "ünïcödé"], await engine.LabelNamesAsync(long.MinValue, long.MaxValue));
        Assert.Equal(["__name__", "code", "job"], await engine.LabelNamesAsync(Base, Base + Hour));
        Assert.Equal(["api", "db"], await engine.LabelValuesAsync("job", long.MinValue, long.MaxValue));
        Assert.Equal(["välue/#?\\"], await engine.LabelValuesAsync("ünïcödé", long.MinValue, long.MaxValue));
        Assert.Equal(["200", "500"], await engine.LabelValuesAsync("code", Base, Base + Hour, [LabelMatcher.Equal("job", "api")]));
        Assert.Equal(["code", "job"], (await engine.LabelNamesAsync(Base, Base + Hour, [LabelMatcher.Equal("code", "500")])).Where(n => n != "__name__"));
        Assert.Equal([a, b], await engine.SeriesAsync([LabelMatcher.Equal("__name__", "http_requests_total")], Base, Base + Hour));
        Assert.Equal([b], await engine.SeriesAsync([LabelMatcher.RegexMatch("code", "5..")], long.MinValue, long.MaxValue));
        Assert.Equal([c], await engine.SeriesAsync([LabelMatcher.Equal("job", "db")], long.MinValue, long.MaxValue));
        Assert.Empty(await engine.SeriesAsync([LabelMatcher.Equal("job", "db")], Base, Base + Hour));
    }

    [Fact]
    public async Task Retention_by_time_deletes_old_blocks_and_their_index_buckets()
    {
        var engine = await OpenAsync();
        var old = Series("old");
        var recent = Series("recent");
        var oldStart = Now.ToUnixTimeMilliseconds() - (20 * Day);
        await engine.IngestAsync(new SampleBatch("old", [Samples(old, oldStart, 10)]));
        await engine.IngestAsync(new SampleBatch("recent", [Samples(recent, Base, 10)]));

        var result = await engine.ApplyRetentionAsync();
        Assert.Equal(1, result.ExpiredBlocks);
        Assert.True(result.IndexBuckets >= 1);
        var data = await ReadAllAsync(engine);
        Assert.Equal([recent], data.Keys);
        Assert.Equal(["recent"], await engine.LabelValuesAsync("__name__", long.MinValue, long.MaxValue));
        Assert.Single((await engine.Blobs.ListAsync(Options.BlobPrefix)).Items);
        Assert.Single(await engine.Catalog.ListAsync(long.MinValue, long.MaxValue, includeRetired: true));
    }

    [Fact]
    public async Task Retention_by_size_deletes_the_oldest_blocks_first()
    {
        var engine = await OpenAsync();
        for (var i = 0; i < 4; i++)
        {
            await engine.IngestAsync(new SampleBatch($"s{i}", [Samples(Series("size", "i", $"{i}"), Base + (i * 2 * Hour), 50)]));
        }

        var entries = await engine.Catalog.ListAsync(long.MinValue, long.MaxValue);
        Options = Options with { RetentionSizeBytes = entries[^1].SizeBytes + entries[^2].SizeBytes };
        var result = await (await OpenAsync()).ApplyRetentionAsync();
        Assert.Equal(2, result.OversizeBlocks);
        var data = await ReadAllAsync(engine);
        Assert.Equal(["2", "3"], data.Keys.Select(k => k.Get("i")).Order());
    }

    [Fact]
    public async Task A_crash_at_any_retention_step_leaves_a_consistent_store_and_a_rerun_finishes()
    {
        var steps = 0;
        for (var failAt = 0; ; failAt++)
        {
            Options = Options with { BlockContainer = $"tsdb-r{failAt}-{Guid.NewGuid():N}"[..40], CatalogTable = $"catr{failAt}{Guid.NewGuid():N}"[..30], LabelIndexTable = $"lblr{failAt}{Guid.NewGuid():N}"[..30] };
            Plan.Disarm();
            var engine = await OpenAsync();
            var oldStart = Now.ToUnixTimeMilliseconds() - (20 * Day);
            var recent = new SampleBatch("recent", [Samples(Series("keep"), Base, 10)]);
            await engine.IngestAsync(new SampleBatch("old1", [Samples(Series("gone"), oldStart, 10)]));
            await engine.IngestAsync(new SampleBatch("old2", [Samples(Series("gone"), oldStart + 5, 10)]));
            await engine.IngestAsync(recent);
            await engine.CompactAsync(); // leaves tombstones in the old window
            var reference = new Reference();
            reference.Add(recent);

            Plan.Arm(failAt);
            var crashed = false;
            try
            {
                await (await OpenAsync()).ApplyRetentionAsync();
            }
            catch (InjectedFaultException)
            {
                crashed = true;
            }

            Plan.Disarm();
            var partial = await ReadAllAsync(await OpenAsync());
            Assert.Equal(reference.Series[Series("keep")].Count, partial[Series("keep")].Length);
            if (!crashed)
            {
                break;
            }

            steps++;
            await (await OpenAsync()).ApplyRetentionAsync();
            var fresh = await OpenAsync();
            AssertSameData(reference, await ReadAllAsync(fresh));
            Assert.Single(await fresh.Catalog.ListAsync(long.MinValue, long.MaxValue, includeRetired: true));
            Assert.Single((await fresh.Blobs.ListAsync(Options.BlobPrefix)).Items);
            Assert.Equal(["keep"], await fresh.LabelValuesAsync("__name__", long.MinValue, long.MaxValue));
        }

        Assert.True(steps >= 4, $"only {steps} retention steps were observed");
    }

    [Fact]
    public async Task A_block_whose_blob_vanished_is_skipped_with_a_warning()
    {
        var engine = await OpenAsync();
        await engine.IngestAsync(new SampleBatch("v1", [Samples(Series("v", "i", "1"), Base, 10)]));
        await engine.IngestAsync(new SampleBatch("v2", [Samples(Series("v", "i", "2"), Base + (4 * Hour), 10)]));
        var victim = (await engine.Catalog.ListAsync(Base + (4 * Hour), Base + (4 * Hour)))[0];
        await engine.Blobs.DeleteAsync(victim.BlobName);

        var selection = await (await OpenAsync()).SelectAsync([], long.MinValue, long.MaxValue);
        Assert.Equal([Series("v", "i", "1")], selection.Series.Select(s => s.Labels));
        Assert.Contains(victim.Id, Assert.Single(selection.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_block_cache_reports_what_it_holds_when_metrics_are_collected()
    {
        var metrics = new MetricRegistry();
        var engine = await OpenAsync(metrics);
        await engine.IngestAsync(new SampleBatch("cached", [Samples(Series("c", "i", "1"), Base, 10), Samples(Series("c", "i", "2"), Base, 10)]));
        Gauge Bytes() => metrics.CreateGauge("tsdb_block_cache_bytes", "Estimated bytes held by the block cache (indexes, postings, series entries, chunks).");
        Gauge Entries() => metrics.CreateGauge("tsdb_block_cache_entries", "Entries held by the block cache.");

        metrics.WriteTo(new System.Buffers.ArrayBufferWriter<byte>());
        Assert.Equal(0, Bytes().Value);
        await engine.SelectAsync([], long.MinValue, long.MaxValue);
        metrics.WriteTo(new System.Buffers.ArrayBufferWriter<byte>());

        // The index, a postings list, two series entries and their chunks at least.
        Assert.True(Entries().Value >= 6, $"{Entries().Value} entries");
        Assert.True(Bytes().Value > 0);
    }

    [Fact]
    public async Task A_corrupt_block_is_skipped_with_a_warning_and_counted()
    {
        var metrics = new MetricRegistry();
        var engine = await OpenAsync(metrics);
        await engine.IngestAsync(new SampleBatch("good", [Samples(Series("ok"), Base, 10)]));
        await engine.IngestAsync(new SampleBatch("bad", [Samples(Series("broken"), Base + (4 * Hour), 10)]));
        var bad = (await engine.Catalog.ListAsync(Base + (4 * Hour), Base + (4 * Hour)))[0];
        var bytes = (await engine.Blobs.GetAsync(bad.BlobName)).Data.ToArray();
        bytes[^10] ^= 0xFF; // break the footer's checksum
        await engine.Blobs.PutAsync(bad.BlobName, new MemoryStream(bytes));

        var logged = new List<string>();
        var selection = await (await OpenAsync(metrics, logged.Add)).SelectAsync([], long.MinValue, long.MaxValue);
        Assert.Equal([Series("ok")], selection.Series.Select(s => s.Labels));
        Assert.Contains(bad.Id, Assert.Single(logged), StringComparison.Ordinal);
        var warning = Assert.Single(selection.Warnings);
        Assert.Contains(bad.Id, warning, StringComparison.Ordinal);
        Assert.Equal(1, metrics.CreateCounter("tsdb_corrupt_block_reads_total", "Block reads a query skipped because the block is corrupt.").Value);
    }

    [Fact]
    public async Task Compaction_leaves_a_window_with_a_corrupt_block_alone_with_a_warning()
    {
        var engine = await OpenAsync();
        await engine.IngestAsync(new SampleBatch("k1", [Samples(Series("k"), Base, 10)]));
        await engine.IngestAsync(new SampleBatch("k2", [Samples(Series("k"), Base + 1, 10)]));
        var victim = (await engine.Catalog.ListAsync(long.MinValue, long.MaxValue))[0];
        var bytes = (await engine.Blobs.GetAsync(victim.BlobName)).Data.ToArray();
        await engine.Blobs.PutAsync(victim.BlobName, new MemoryStream(bytes[..(bytes.Length / 2)]));

        var result = await engine.CompactAsync();
        Assert.Equal(0, result.MergedBlocks);
        Assert.Contains(victim.BlobName, Assert.Single(result.Warnings), StringComparison.Ordinal);
        Assert.Equal(2, (await engine.Catalog.ListAsync(long.MinValue, long.MaxValue)).Count);
    }

    [Fact]
    public async Task Label_sets_Prometheus_rejects_are_rejected_with_the_reason()
    {
        var engine = await OpenAsync();
        var batch = new SampleBatch("bad-labels",
        [
            new SeriesSamples(LabelSet.Empty, [new Sample(Base, 1)]),
            Samples(Series("fine"), Base, 2),
        ]);
        var result = await engine.IngestAsync(batch);
        var rejected = Assert.Single(result.Rejected);
        Assert.Contains("empty labelset", rejected.Reason, StringComparison.Ordinal);
        Assert.Equal(1, result.Series);
        Assert.False(LabelSet.TryCreate([new Label("a", "1"), new Label("a", "2")], out _, out var error));
        Assert.Contains("not unique", error, StringComparison.Ordinal);
    }
}
