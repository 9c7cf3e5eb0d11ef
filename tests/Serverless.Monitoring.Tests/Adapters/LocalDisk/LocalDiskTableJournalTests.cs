using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.LocalDisk;

/// <summary>The partition journal of <see cref="LocalDiskTableStore"/>: replay, torn tails, folds.</summary>
public sealed class LocalDiskTableJournalTests : IDisposable
{
    private const string Partition = "2024-05-01";
    private readonly TempDirectory _root = new("sm-localdisk-journal-");

    public void Dispose() => _root.Dispose();

    [Fact]
    public async Task ManyBatchesThenReopenReadsEverything()
    {
        var table = await OpenAsync();
        var expected = new SortedDictionary<string, string>(StringComparer.Ordinal);
        for (var b = 0; b < 120; b++)
        {
            var operations = new List<TableOperation>();
            for (var i = 0; i < 100; i++)
            {
                var rowKey = $"row{(b * 37 + i * 101) % 5000:D5}";
                var value = $"v{b}-{i}";
                operations.Add(TableOperation.Upsert(new TableEntity(Partition, rowKey) { ["Value"] = value, ["N"] = (long)i }));
                expected[rowKey] = value;
            }

            await table.SubmitBatchAsync(operations);
            if (b % 10 == 9)
            {
                var victim = expected.Keys.First();
                Assert.True(await table.DeleteAsync(Partition, victim));
                expected.Remove(victim);
            }
        }

        Assert.Equal(expected, await ReadAllAsync(table));
        Assert.Equal(expected, await ReadAllAsync(await OpenAsync()));
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task TornOrCorruptTailLosesOnlyThatWrite(bool corrupt)
    {
        var table = await OpenAsync();
        await table.SubmitBatchAsync(BaseBatch(100));
        await table.UpsertAsync(Row("row001", "first"));
        var journal = JournalPath(table);
        var lengthBefore = new FileInfo(journal).Length;
        await table.UpsertAsync(Row("row002", "second"));
        var lengthAfter = new FileInfo(journal).Length;
        Assert.True(lengthAfter > lengthBefore);

        if (corrupt)
        {
            var bytes = await File.ReadAllBytesAsync(journal);
            bytes[^2] ^= 0x5A;
            await File.WriteAllBytesAsync(journal, bytes);
        }
        else
        {
            await using var stream = new FileStream(journal, FileMode.Open, FileAccess.Write);
            stream.SetLength(lengthAfter - 3);
        }

        var reopened = await OpenAsync();
        Assert.Equal("first", (await reopened.GetAsync(Partition, "row001"))!["Value"]);
        Assert.StartsWith("base", (string)(await reopened.GetAsync(Partition, "row002"))!["Value"]!, StringComparison.Ordinal);
        Assert.Equal(100, (await ReadAllAsync(reopened)).Count);
        Assert.Equal(lengthBefore, new FileInfo(journal).Length); // the bad tail is cut off

        // Later writes append after the last good record and survive a reopen.
        await reopened.UpsertAsync(Row("row003", "third"));
        var again = await OpenAsync();
        Assert.Equal("first", (await again.GetAsync(Partition, "row001"))!["Value"]);
        Assert.Equal("third", (await again.GetAsync(Partition, "row003"))!["Value"]);
    }

    [Fact]
    public async Task JournalLeftBesideANewerBaseIsNotAppliedAgain()
    {
        var table = await OpenAsync();
        await table.SubmitBatchAsync(BaseBatch(100));
        await table.InsertAsync(Row("extra", "journaled"));
        var journal = JournalPath(table);
        var oldJournal = await File.ReadAllBytesAsync(journal);
        Assert.True(await table.DeleteAsync(Partition, "extra"));

        // Write until a fold replaces the base and deletes the journal.
        for (var b = 0; File.Exists(journal); b++)
        {
            Assert.True(b < 100, "no fold");
            await table.UpsertAsync(Row($"more{b:D3}", "x"));
        }

        var expected = await ReadAllAsync(table);
        Assert.DoesNotContain("extra", expected.Keys);

        // A crash between the new base's rename and the journal's deletion leaves the old journal.
        await File.WriteAllBytesAsync(journal, oldJournal);
        var reopened = await OpenAsync();
        Assert.Equal(expected, await ReadAllAsync(reopened));
        Assert.False(File.Exists(journal));
        await reopened.UpsertAsync(Row("after", "y"));
        Assert.Equal("y", (await (await OpenAsync()).GetAsync(Partition, "after"))!["Value"]);
    }

    [Fact]
    public async Task DeletingEverythingLeavesNoFilesAndAStaleJournalIsIgnored()
    {
        var table = await OpenAsync();
        await table.SubmitBatchAsync(BaseBatch(50));
        await table.UpsertAsync(Row("row000", "changed"));
        var journal = JournalPath(table);
        var oldJournal = await File.ReadAllBytesAsync(journal);
        await table.SubmitBatchAsync([.. Enumerable.Range(0, 50).Select(i => TableOperation.Delete(Partition, $"row{i:D3}", "*"))]);
        Assert.False(File.Exists(journal));
        Assert.False(File.Exists(((LocalDiskTableStore)table).PartitionPath(Partition)));

        await File.WriteAllBytesAsync(journal, oldJournal); // a crash between deleting the base and the journal
        Assert.Empty(await ReadAllAsync(await OpenAsync()));
    }

    [Fact]
    public async Task FoldsKeepThePartitionCompact()
    {
        var table = await OpenAsync();
        for (var b = 0; b < 200; b++)
        {
            await table.SubmitBatchAsync([.. Enumerable.Range(0, 100).Select(i =>
                TableOperation.Upsert(new TableEntity(Partition, $"metric_{b:D3}_{i:D2}") { ["Series"] = (long)(b * 100 + i), ["Labels"] = $"job=\"node\",instance=\"host{i}\"" }))]);
        }

        var basePath = ((LocalDiskTableStore)table).PartitionPath(Partition);
        var baseLength = new FileInfo(basePath).Length;
        var journalLength = File.Exists(JournalPath(table)) ? new FileInfo(JournalPath(table)).Length : 0;
        Assert.True(journalLength <= baseLength / 4, $"journal {journalLength} bytes beside a base of {baseLength}");

        var entities = await ReadAllAsync(await OpenAsync());
        Assert.Equal(20_000, entities.Count);
        var folder = Directory.GetFiles(Path.GetDirectoryName(basePath)!, "*", SearchOption.AllDirectories).Sum(f => new FileInfo(f).Length);
        Assert.Equal(baseLength + journalLength, folder); // no other files (temp files are gone)
    }

    /// <summary>Rows with incompressible values, so the base is large enough for a few journal records beside it.</summary>
    private static List<TableOperation> BaseBatch(int count) =>
        [.. Enumerable.Range(0, count).Select(i => TableOperation.Upsert(Row($"row{i:D3}", "base " + Guid.NewGuid())))];

    private static TableEntity Row(string rowKey, string value) => new(Partition, rowKey) { ["Value"] = value };

    private static string JournalPath(ITableStore table) => ((LocalDiskTableStore)table).PartitionPath(Partition) + ".log";

    private async Task<ITableStore> OpenAsync()
    {
        var table = new LocalDiskStorageProvider(_root.Path).GetTableStore("Journal");
        await table.CreateIfNotExistsAsync();
        return table;
    }

    private static async Task<SortedDictionary<string, string>> ReadAllAsync(ITableStore table)
    {
        var all = new SortedDictionary<string, string>(StringComparer.Ordinal);
        string? token = null;
        do
        {
            var page = await table.QueryAsync(Partition, continuationToken: token);
            foreach (var entity in page.Items)
            {
                all.Add(entity.RowKey, entity["Value"] as string ?? "");
            }

            token = page.ContinuationToken;
        }
        while (token is not null);
        return all;
    }
}
