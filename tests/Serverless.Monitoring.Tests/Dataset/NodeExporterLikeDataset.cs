using System.Text;

namespace Serverless.Monitoring.Tests.Dataset;

/// <summary>
/// A deterministic node_exporter-like dataset for storage benchmarks, written as OpenMetrics
/// text that <c>promtool tsdb create-blocks-from openmetrics</c> accepts: for each metric
/// family its <c># HELP</c>, <c># TYPE</c> and <c># UNIT</c>, then every sample of that family
/// (instance by instance, series by series in time order; a histogram or summary scrape by
/// scrape), timestamps in seconds with millisecond precision, and a final <c># EOF</c>.
/// Counters grow at per-instance rates and reset when an instance restarts; gauges wander
/// around realistic levels; histograms and a summary come as exporters expose them. Every
/// series carries <c>instance</c> and <c>job="node"</c>. The same options give the same bytes.
/// Generation streams: memory holds one metric's values at a time.
/// </summary>
public sealed class NodeExporterLikeDataset
{
    private readonly NodeExporterLikeDatasetOptions _options;

    public NodeExporterLikeDataset(NodeExporterLikeDatasetOptions? options = null)
    {
        _options = options ?? new NodeExporterLikeDatasetOptions();
        _options.Validate();
    }

    public NodeExporterLikeDatasetOptions Options => _options;

    /// <summary>Distinct series in the dataset: instances × series per instance.</summary>
    public long SeriesCount => (long)_options.Instances * _options.SeriesPerInstance;

    /// <summary>Samples a complete write produces: series × points per series.</summary>
    public long ExpectedSampleCount => SeriesCount * _options.PointsPerSeries;

    /// <summary>Samples written by the last <see cref="WriteOpenMetricsAsync"/>.</summary>
    public long SamplesWritten { get; private set; }

    /// <summary>Bytes written by the last <see cref="WriteOpenMetricsAsync"/>.</summary>
    public long BytesWritten { get; private set; }

    /// <summary>The earliest and latest sample timestamps in milliseconds.</summary>
    public (long Min, long Max) TimeRange
    {
        get
        {
            var timelines = Timelines();
            return (timelines.Min(t => t.Timestamps[0]), timelines.Max(t => t.Timestamps[^1]));
        }
    }

    /// <summary>Writes the dataset to <paramref name="stream"/> (which it does not close).</summary>
    public async Task WriteOpenMetricsAsync(Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(stream);
        SamplesWritten = 0;
        BytesWritten = 0;
        var timelines = Timelines();
        var families = DatasetCatalog.Build(_options.SeriesPerInstance);
        var points = _options.PointsPerSeries;
        var values = new double[families.Max(f => f.Metrics.Max(m => m.Series.Count)) * points];
        var writer = new OpenMetricsSampleWriter(stream);

        for (var f = 0; f < families.Count; f++)
        {
            var family = families[f];
            writer.WriteMetadata("HELP", family.Name, family.Help);
            writer.WriteMetadata("TYPE", family.Name, family.Type);
            if (family.Unit is not null)
            {
                writer.WriteMetadata("UNIT", family.Name, family.Unit);
            }

            foreach (var timeline in timelines)
            {
                for (var m = 0; m < family.Metrics.Count; m++)
                {
                    var metric = family.Metrics[m];
                    var random = DatasetRandom.For(_options.Seed, timeline.Index, f, m);
                    metric.Generator.Fill(values, timeline, ref random);
                    var prefixes = Prefixes(metric, timeline);
                    var point = 0;
                    while (point < points)
                    {
                        point = WritePoints(writer, prefixes, values, timeline, point);
                        if (writer.IsFull)
                        {
                            await writer.FlushAsync(cancellationToken);
                        }
                    }
                }
            }
        }

        writer.WriteText("# EOF\n");
        await writer.FlushAsync(cancellationToken);
        await stream.FlushAsync(cancellationToken);
        BytesWritten = writer.BytesWritten;
    }

    /// <summary>Writes scrapes from <paramref name="point"/> on until the buffer fills; returns the next scrape.</summary>
    private int WritePoints(OpenMetricsSampleWriter writer, byte[][] prefixes, double[] values, InstanceTimeline timeline, int point)
    {
        var points = timeline.Timestamps.Length;
        for (; point < points && !writer.IsFull; point++)
        {
            var suffix = timeline.TimestampSuffix(point);
            for (var s = 0; s < prefixes.Length; s++)
            {
                writer.WriteSample(prefixes[s], values[(s * points) + point], suffix);
            }

            SamplesWritten += prefixes.Length;
        }

        return point;
    }

    private static byte[][] Prefixes(DatasetMetric metric, InstanceTimeline timeline)
    {
        var prefixes = new byte[metric.Series.Count][];
        for (var i = 0; i < prefixes.Length; i++)
        {
            var (name, labels) = metric.Series[i];
            var separator = labels.Length > 0 ? "," : string.Empty;
            prefixes[i] = Encoding.UTF8.GetBytes($"{name}{{{labels}{separator}instance=\"{timeline.Label}\",job=\"node\"}} ");
        }

        return prefixes;
    }

    private InstanceTimeline[] Timelines() =>
        Enumerable.Range(0, _options.Instances).Select(i => new InstanceTimeline(_options, i)).ToArray();
}
