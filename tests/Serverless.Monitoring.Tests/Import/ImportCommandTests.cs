using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Functions.Commands;
using Serverless.Monitoring.Tests.Dataset;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Import;

/// <summary>
/// <c>import openmetrics &lt;file&gt;</c> end to end: the command, on the configured storage, read
/// back through <see cref="StorageEngine.SelectAsync"/> sample by sample.
/// </summary>
public abstract class ImportCommandTestBase : IDisposable
{
    private static readonly NodeExporterLikeDatasetOptions SmallDataset = new() { Instances = 3, SeriesPerInstance = 20 };

    protected ImportCommandTestBase()
    {
        Work = new TempDirectory("sm-import-");
    }

    protected TempDirectory Work { get; }

    /// <summary>Command-line settings that point the command at the storage under test.</summary>
    protected abstract string[] StorageArgs { get; }

    protected abstract IStorageProvider OpenProvider();

    public void Dispose()
    {
        Dispose(disposing: true);
        GC.SuppressFinalize(this);
    }

    protected virtual void Dispose(bool disposing)
    {
        if (disposing)
        {
            Work.Dispose();
        }
    }

    protected async Task<string> WriteDatasetAsync(string name = "dataset.om")
    {
        var path = Work.Combine(name);
        await using var file = File.Create(path);
        await new NodeExporterLikeDataset(SmallDataset).WriteOpenMetricsAsync(file);
        return path;
    }

    protected async Task<(int Code, string Output, string Error)> ImportAsync(string file, params string[] extra)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        string[] args = ["import", "openmetrics", file, .. extra, .. StorageArgs];
        var code = await MonitoringCommandLine.RunAsync(args, output, error, interactive: false);
        return (code, output.ToString(), error.ToString());
    }

    /// <summary>Every sample of the file, per series, as the parser reads it (the reference).</summary>
    protected static async Task<SortedDictionary<string, List<Sample>>> ExpectedAsync(string file)
    {
        var bytes = await File.ReadAllBytesAsync(file);
        var parser = new OpenMetricsTextParser(bytes);
        var expected = new SortedDictionary<string, List<Sample>>(StringComparer.Ordinal);
        while (parser.Next() != ExpositionEntry.Eof)
        {
            if (parser.Entry != ExpositionEntry.Series)
            {
                continue;
            }

            var key = parser.GetLabelSet().ToString();
            if (!expected.TryGetValue(key, out var list))
            {
                expected[key] = list = [];
            }

            list.Add(new Sample(parser.Timestamp!.Value, parser.Value));
        }

        return expected;
    }

    protected async Task<SortedDictionary<string, Sample[]>> StoredAsync()
    {
        var engine = await StorageEngine.OpenAsync(OpenProvider());
        var selection = await engine.SelectAsync([LabelMatcher.RegexMatch("__name__", ".+")], long.MinValue, long.MaxValue);
        Assert.Empty(selection.Warnings);
        return new SortedDictionary<string, Sample[]>(
            selection.Series.ToDictionary(s => s.Labels.ToString(), s => s.ToArray()),
            StringComparer.Ordinal);
    }

    protected static void AssertSameSamples(SortedDictionary<string, List<Sample>> expected, SortedDictionary<string, Sample[]> stored)
    {
        Assert.Equal(expected.Keys, stored.Keys);
        foreach (var (key, samples) in expected)
        {
            var actual = stored[key];
            Assert.Equal(samples.Count, actual.Length);
            for (var i = 0; i < actual.Length; i++)
            {
                Assert.Equal(samples[i].TimestampMs, actual[i].TimestampMs);
                Assert.Equal(BitConverter.DoubleToInt64Bits(samples[i].Value), BitConverter.DoubleToInt64Bits(actual[i].Value));
            }
        }
    }

    [Fact]
    public async Task Imports_every_sample_exactly_and_a_reimport_adds_nothing()
    {
        var file = await WriteDatasetAsync();
        var expected = await ExpectedAsync(file);
        var total = expected.Values.Sum(l => l.Count);

        // Small batches: many cuts per window, several ingesting at once, then compaction.
        var first = await ImportAsync(file, "--max-batch-samples", "7000");
        Assert.True(first.Code == 0, first.Error + first.Output);
        Assert.Contains($"series:   {expected.Count:N0}", first.Output, StringComparison.Ordinal);
        Assert.Contains($"samples:  {total:N0} read, {total:N0} stored", first.Output, StringComparison.Ordinal);
        Assert.Contains("progress:", first.Output, StringComparison.Ordinal);
        AssertSameSamples(expected, await StoredAsync());
        var blocks = await ActiveBlocksAsync();

        var again = await ImportAsync(file, "--max-batch-samples", "7000");
        Assert.True(again.Code == 0, again.Error + again.Output);
        Assert.Contains($"{total:N0} read, 0 stored", again.Output, StringComparison.Ordinal);
        Assert.Contains("0 level-0 blocks written", again.Output, StringComparison.Ordinal);
        Assert.Equal(blocks, await ActiveBlocksAsync());
        AssertSameSamples(expected, await StoredAsync());
    }

    protected async Task<int> ActiveBlocksAsync()
    {
        var engine = await StorageEngine.OpenAsync(OpenProvider());
        return (await engine.Catalog.ListAsync(long.MinValue, long.MaxValue)).Count;
    }
}

public sealed class LocalDiskImportCommandTests : ImportCommandTestBase
{
    protected override string[] StorageArgs => [$"--storage.tsdb.path={Work.Combine("data")}"];

    protected override IStorageProvider OpenProvider() => new LocalDiskStorageProvider(Work.Combine("data"));

    [Fact]
    public async Task A_malformed_line_is_reported_with_file_and_line_and_what_was_stored_before()
    {
        var good = await WriteDatasetAsync();
        var lines = (await File.ReadAllLinesAsync(good)).ToList();

        // Break a sample line in the second half, after several batches were cut.
        var at = lines.FindIndex(lines.Count / 2, l => !l.StartsWith('#'));
        lines[at] = lines[at].Replace("} ", "} not-a-number ", StringComparison.Ordinal);
        var bad = Work.Combine("bad.om");
        await File.WriteAllLinesAsync(bad, lines);

        var result = await ImportAsync(bad, "--max-batch-samples", "5000", "--parallelism", "1");
        Assert.Equal(1, result.Code);
        Assert.Contains($"{bad}: line {at + 1}: ", result.Error, StringComparison.Ordinal);
        var stored = (await StoredAsync()).Values.Sum(s => s.Length);
        Assert.True(stored > 0);
        Assert.Contains($"{stored:N0} samples in ", result.Error, StringComparison.Ordinal);

        // What was stored is a subset of the file, and importing the good file completes it.
        var fixedImport = await ImportAsync(good, "--max-batch-samples", "5000");
        Assert.True(fixedImport.Code == 0, fixedImport.Error);
        AssertSameSamples(await ExpectedAsync(good), await StoredAsync());
    }

    [Fact]
    public async Task A_sample_without_timestamp_is_an_error_like_promtool()
    {
        var file = Work.Combine("nots.om");
        await File.WriteAllTextAsync(file, "# TYPE up gauge\nup{job=\"a\"} 1 1700000000\nup{job=\"b\"} 1\n# EOF\n");
        var result = await ImportAsync(file);
        Assert.Equal(1, result.Code);
        Assert.Contains("line 3: expected timestamp for series up{job=\"b\"}", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task On_a_terminal_a_progress_bar_is_redrawn_in_place()
    {
        var file = await WriteDatasetAsync();
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MonitoringCommandLine.RunAsync(["import", "openmetrics", file, .. StorageArgs], output, error, interactive: true);
        Assert.True(code == 0, error.ToString());
        Assert.Contains("\r[##############################] 100.0%", output.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("progress:", output.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "import", "openmetrics", "missing.om" }, "import: missing.om: no such file")]
    [InlineData(new[] { "import", "csv", "x" }, "unexpected argument 'csv'")]
    [InlineData(new[] { "import" }, "'import' expects a command: openmetrics")]
    [InlineData(new[] { "import", "openmetrics" }, "expected the argument <file>")]
    [InlineData(new[] { "import", "openmetrics", "x.om", "--parallelism", "0" }, "--parallelism must be a positive integer, not '0'")]
    [InlineData(new[] { "import", "openmetrics", "x.om", "--max-batch-samples=many" }, "--max-batch-samples must be a positive integer, not 'many'")]
    [InlineData(new[] { "import", "openmetrics", "x.om", "--max-batch-samples" }, "expected a value for flag '--max-batch-samples'")]
    [InlineData(new[] { "import", "openmetrics", "x.om", "--web.listen-address=127.0.0.1:1" }, "unknown flag '--web.listen-address'")]
    public async Task Usage_errors_exit_with_2_naming_the_problem(string[] args, string message)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MonitoringCommandLine.RunAsync(args, output, error, interactive: false);
        Assert.True(code == 2, error.ToString());
        Assert.Contains(message, error.ToString(), StringComparison.Ordinal);
        Assert.Equal(string.Empty, output.ToString());
    }

    [Fact]
    public async Task A_storage_flag_after_the_file_applies()
    {
        var file = await WriteDatasetAsync();
        var elsewhere = Work.Combine("elsewhere");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MonitoringCommandLine.RunAsync(["import", "openmetrics", file, "--no-compact", "--storage.tsdb.path", elsewhere], output, error, interactive: false);
        Assert.True(code == 0, error.ToString());
        Assert.Contains($"into local disk {elsewhere}", output.ToString(), StringComparison.Ordinal);
        Assert.Contains("0 merged by compaction", output.ToString(), StringComparison.Ordinal);
        Assert.True(Directory.EnumerateFileSystemEntries(elsewhere).Any());
    }
}

/// <summary>
/// The same import into Azure Storage (Azurite), configured as the server would be: the provider on
/// the command line, the connection string in the environment (under a name of this test's own).
/// </summary>
[Collection(AzuriteCollection.Name)]
public sealed class AzuriteImportCommandTests : ImportCommandTestBase
{
    private readonly AzuriteFixture _azurite;
    private readonly string _connection = $"SmImportTest{Guid.NewGuid():N}";

    public AzuriteImportCommandTests(AzuriteFixture azurite)
    {
        _azurite = azurite;
        Environment.SetEnvironmentVariable(_connection, azurite.ConnectionString);
    }

    protected override string[] StorageArgs => ["--Storage:Provider=AzureStorage", $"--Storage:Connection={_connection}"];

    protected override IStorageProvider OpenProvider() => AzureStorageProvider.FromConnectionString(_azurite.ConnectionString);

    protected override void Dispose(bool disposing)
    {
        Environment.SetEnvironmentVariable(_connection, null);
        base.Dispose(disposing);
    }
}
