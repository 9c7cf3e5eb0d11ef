using System.Runtime;
using Serverless.Monitoring.Core.Import;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Dataset;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>The PromQL benchmarks' data: the node_exporter-like dataset written as OpenMetrics and imported into our storage engine on local disk.</summary>
internal static class OursBenchStore
{
    /// <summary>Writes <paramref name="dataset"/> to <paramref name="file"/>.</summary>
    public static async Task WriteAsync(NodeExporterLikeDataset dataset, string file)
    {
        await using var stream = new FileStream(file, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16);
        await dataset.WriteOpenMetricsAsync(stream);
    }

    /// <summary>Imports an OpenMetrics file into a new local-disk store at <paramref name="directory"/>, as the <c>import openmetrics</c> command does.</summary>
    public static async Task<(StorageEngine Engine, ImportResult Result)> ImportAsync(string file, string directory)
    {
        var engine = await StorageEngine.OpenAsync(new LocalDiskStorageProvider(directory));
        var latency = GCSettings.LatencyMode;
        GCSettings.LatencyMode = GCLatencyMode.Batch;
        try
        {
            return (engine, await new OpenMetricsImporter(engine).ImportFileAsync(file));
        }
        finally
        {
            GCSettings.LatencyMode = latency;
        }
    }
}
