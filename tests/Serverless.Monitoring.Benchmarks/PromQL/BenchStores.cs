using System.Globalization;
using Serverless.Monitoring.Tests.Dataset;
using Serverless.Monitoring.Tests.Fixtures;
using static Serverless.Monitoring.Benchmarks.BenchmarkLog;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>
/// The node_exporter-like dataset imported into both stores under one folder: ours (<c>ours/</c>,
/// <c>OpenMetricsImporter</c> on local disk) and Prometheus's (<c>prometheus/</c>, <c>promtool tsdb
/// create-blocks-from openmetrics</c>), with <c>imports.txt</c> recording what was imported, so that a
/// later <c>--keep DIR --reuse</c> run of <c>promql-compare</c> or <c>rules-compare</c> skips the import.
/// </summary>
internal sealed record BenchStores(string Ours, string Prometheus, long Samples, int OursBlocks, int PrometheusBlocks)
{
    /// <summary>Imports the dataset into <paramref name="work"/>, or reuses what an earlier run left there; null when promtool failed (its output printed).</summary>
    public static async Task<BenchStores?> PrepareAsync(NodeExporterLikeDataset dataset, string work, bool reuse)
    {
        var file = Path.Combine(work, "dataset.om");
        var ours = Path.Combine(work, "ours");
        var prom = Path.Combine(work, "prometheus");
        var imports = Path.Combine(work, "imports.txt");
        if (reuse && File.Exists(imports) && Directory.Exists(ours) && Directory.Exists(prom))
        {
            var saved = (await File.ReadAllTextAsync(imports)).Split(' ');
            var stores = new BenchStores(ours, prom, long.Parse(saved[0], CultureInfo.InvariantCulture), int.Parse(saved[1], CultureInfo.InvariantCulture), int.Parse(saved[2], CultureInfo.InvariantCulture));
            Log($"reusing the stores in {work} ({stores.Samples:N0} samples; ours: {stores.OursBlocks} block(s), Prometheus: {stores.PrometheusBlocks} block(s))");
            return stores;
        }

        foreach (var dir in new[] { ours, prom })
        {
            if (Directory.Exists(dir))
            {
                Directory.Delete(dir, recursive: true);
            }
        }

        Log($"generating {dataset.ExpectedSampleCount:N0} samples ({dataset.SeriesCount:N0} series) to {file}");
        await OursBenchStore.WriteAsync(dataset, file);

        Log("importing into ours (local disk)");
        var imported = await ImportOursAsync(file, ours);
        Log($"ours: {imported.SamplesStored:N0} samples stored, {imported.Blocks} block(s)");

        Log("importing into Prometheus (promtool tsdb create-blocks-from openmetrics)");
        var promtool = await Promtool.RunAsync(["tsdb", "create-blocks-from", "openmetrics", file, prom], timeout: TimeSpan.FromHours(1));
        if (!promtool.Succeeded)
        {
            await Console.Error.WriteLineAsync(promtool.ToString());
            return null;
        }

        var promBlocks = Directory.GetDirectories(prom).Length;
        Log($"prometheus: {promBlocks} block(s)");
        File.Delete(file);
        var result = new BenchStores(ours, prom, dataset.SamplesWritten, imported.Blocks, promBlocks);
        await File.WriteAllTextAsync(imports, string.Create(CultureInfo.InvariantCulture, $"{result.Samples} {result.OursBlocks} {result.PrometheusBlocks}"));
        return result;
    }

    /// <summary>Imports and lets go of the importing engine (kept out of the caller's state, so a GC can free it).</summary>
    private static async Task<Core.Import.ImportResult> ImportOursAsync(string file, string directory) =>
        (await OursBenchStore.ImportAsync(file, directory)).Result;
}
