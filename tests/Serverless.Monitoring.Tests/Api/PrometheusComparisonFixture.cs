using System.Globalization;
using Serverless.Monitoring.Functions.Commands;
using Serverless.Monitoring.Tests.Dataset;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// One deterministic OpenMetrics file (3 node_exporter-like instances, every family, one hour of
/// 15 s scrapes) loaded into a real Prometheus 2.42 (<c>promtool tsdb create-blocks-from
/// openmetrics</c> into its data directory) and into ours (the <c>import openmetrics</c> command into
/// a local-disk data directory), both then serving their HTTP APIs on loopback ports.
/// </summary>
public sealed class PrometheusComparisonFixture : IAsyncLifetime, IDisposable
{
    public static readonly NodeExporterLikeDatasetOptions DatasetOptions = new()
    {
        Instances = 3,
        SeriesPerInstance = 360,
        Duration = TimeSpan.FromHours(1),
    };

    private readonly TempDirectory _work = new("sm-apicompare-");
    private PrometheusFixture? _prometheus;
    private MonitoringHostProcess? _ours;

    /// <summary>The last scrape of the dataset.</summary>
    public static DateTimeOffset DataEnd => DatasetOptions.End;

    public Uri PrometheusUri => (_prometheus ?? throw new InvalidOperationException("not started")).BaseUri;

    public Uri OursUri => (_ours ?? throw new InvalidOperationException("not started")).BaseUri;

    public string DatasetPath => _work.Combine("dataset.om");

    public async Task InitializeAsync()
    {
        await using (var file = File.Create(DatasetPath))
        {
            await new NodeExporterLikeDataset(DatasetOptions).WriteOpenMetricsAsync(file);
        }

        var options = new PrometheusOptions
        {
            // Subqueries without a step use the evaluation interval: the same 1m as our engine's default.
            ConfigYaml = "global:\n  scrape_interval: 15s\n  evaluation_interval: 1m\n",
            PrepareDataAsync = async (dataPath, ct) =>
            {
                var created = await Promtool.RunAsync(["tsdb", "create-blocks-from", "openmetrics", DatasetPath, dataPath], cancellationToken: ct);
                if (!created.Succeeded)
                {
                    throw new InvalidOperationException($"promtool tsdb create-blocks-from failed: {created}");
                }
            },
        };
        var prometheus = PrometheusFixture.StartAsync(options);

        var ourData = _work.Combine("ours-data");
        using var output = new StringWriter();
        using var error = new StringWriter();
        var code = await MonitoringCommandLine.RunAsync(["import", "openmetrics", DatasetPath, $"--storage.tsdb.path={ourData}"], output, error, interactive: false);
        if (code != 0)
        {
            throw new InvalidOperationException($"import failed ({code.ToString(CultureInfo.InvariantCulture)}): {output}{error}");
        }

        _ours = await MonitoringHostProcess.StartAsync(
            _work.Path,
            new Dictionary<string, string?> { ["Scrape__Enabled"] = "false" },
            [$"--storage.tsdb.path={ourData}", "--storage.tsdb.retention.time=100y"]);
        _prometheus = await prometheus;
    }

    public Task DisposeAsync()
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _ours?.Dispose();
        _prometheus?.Dispose();
        _work.Dispose();
    }
}
