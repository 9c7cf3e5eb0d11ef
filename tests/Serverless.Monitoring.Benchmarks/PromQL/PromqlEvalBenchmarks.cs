using BenchmarkDotNet.Attributes;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Tests.Dataset;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>
/// Evaluates each query of <see cref="PromqlBenchmarkQueries"/> (pre-parsed) with
/// <see cref="PromQLEngine"/> over our storage engine on local disk: selection, decoding and
/// evaluation, as <c>promql-compare</c> times them but without the parse. The dataset is a
/// smaller cut of the storage benchmark's (10 instances × 400 series × 3 h at 15 s, 2.88 M
/// samples) so that every case's setup (generate, import) stays within seconds; the queries
/// look back at most 1 h 30 m, so a longer history would change little but the setup time.
/// </summary>
[MemoryDiagnoser]
public class PromqlEvalBenchmarks
{
    private static readonly NodeExporterLikeDatasetOptions DatasetOptions = new()
    {
        Instances = 10,
        SeriesPerInstance = 400,
        Duration = TimeSpan.FromHours(3),
    };

    private string? _directory;
    private PromQLEngine _engine = null!;
    private Expr _expr = null!;
    private long _end;

    [ParamsSource(nameof(Queries))]
    public PromqlBenchmarkQuery Query { get; set; } = PromqlBenchmarkQueries.All[0];

    public static IEnumerable<PromqlBenchmarkQuery> Queries => PromqlBenchmarkQueries.All;

    [GlobalSetup]
    public async Task SetupAsync()
    {
        _directory = Directory.CreateTempSubdirectory("sm-promql-bench-").FullName;
        var file = Path.Combine(_directory, "dataset.om");
        await OursBenchStore.WriteAsync(new NodeExporterLikeDataset(DatasetOptions), file);
        var (storage, _) = await OursBenchStore.ImportAsync(file, Path.Combine(_directory, "ours"));
        File.Delete(file);
        _engine = new PromQLEngine(new StorageSeriesSource(storage));
        _expr = Parser.ParseExpr(Query.Query);
        _end = PromqlBenchmarkQueries.EvaluationTimeMs(DatasetOptions.End);
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        if (_directory is not null)
        {
            Directory.Delete(_directory, recursive: true);
        }
    }

    [Benchmark(Description = "evaluate")]
    public async Task<int> Evaluate()
    {
        var result = Query.IsRange
            ? await _engine.RangeQueryAsync(_expr, _end - (long)Query.Range.TotalMilliseconds, _end, (long)Query.Step.TotalMilliseconds)
            : await _engine.InstantQueryAsync(_expr, _end);
        return result.Series.Count;
    }
}
