using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Tests.Dataset;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Dataset;

public sealed class NodeExporterLikeDatasetTests
{
    private static readonly NodeExporterLikeDatasetOptions Small = new()
    {
        Instances = 3,
        SeriesPerInstance = 400,
        Duration = TimeSpan.FromHours(1),
        RestartProbability = 0.7,
        ScrapeJitterMilliseconds = 2,
    };

    private static async Task<(byte[] Bytes, NodeExporterLikeDataset Dataset)> WriteAsync(NodeExporterLikeDatasetOptions options)
    {
        var dataset = new NodeExporterLikeDataset(options);
        using var stream = new MemoryStream();
        await dataset.WriteOpenMetricsAsync(stream);
        return (stream.ToArray(), dataset);
    }

    [Fact]
    public async Task Same_options_give_the_same_bytes()
    {
        var (a, datasetA) = await WriteAsync(Small);
        var (b, _) = await WriteAsync(Small);
        var (c, _) = await WriteAsync(Small with { Seed = 7 });
        Assert.Equal(SHA256.HashData(a), SHA256.HashData(b));
        Assert.NotEqual(SHA256.HashData(a), SHA256.HashData(c));
        Assert.Equal(a.Length, datasetA.BytesWritten);
        Assert.Equal(3L * 400 * 240, datasetA.SamplesWritten);
        Assert.Equal(datasetA.ExpectedSampleCount, datasetA.SamplesWritten);
    }

    [Fact]
    public async Task Reads_back_with_the_same_samples_and_realistic_shapes()
    {
        var (bytes, dataset) = await WriteAsync(Small);
        var parser = new OpenMetricsTextParser(ReadOnlyMemory<byte>.Empty);
        var reader = new ExpositionChunkReader(new MemoryStream(bytes), parser, 1 << 16);

        var series = new Dictionary<string, SeriesState>(StringComparer.Ordinal);
        var families = new List<string>();
        var helps = new HashSet<string>(StringComparer.Ordinal);
        long samples = 0;
        var resets = 0;
        while (await reader.ReadChunkAsync())
        {
            while (parser.Next() is var entry && entry != ExpositionEntry.Eof)
            {
                switch (entry)
                {
                    case ExpositionEntry.Help:
                        helps.Add(parser.GetMetricName());
                        break;
                    case ExpositionEntry.Type:
                        var family = parser.GetMetricName();
                        Assert.DoesNotContain(family, families); // every family in one place
                        Assert.Contains(family, helps);
                        families.Add(family);
                        break;
                    case ExpositionEntry.Series:
                        samples++;
                        var key = Encoding.UTF8.GetString(parser.Series);
                        if (!series.TryGetValue(key, out var state))
                        {
                            var labels = parser.GetLabelSet();
                            Assert.StartsWith(families[^1], labels.MetricName, StringComparison.Ordinal);
                            Assert.Equal("node", labels.Get("job"));
                            state = new SeriesState(labels, IsCumulative(parser.Type, labels.MetricName));
                            series.Add(key, state);
                        }

                        var timestamp = parser.Timestamp!.Value;
                        if (state.Points > 0)
                        {
                            Assert.InRange(timestamp - state.LastTimestamp, 15_000 - 4, 15_000 + 4);
                            if (state.Cumulative && parser.Value < state.LastValue)
                            {
                                resets++;
                                state.Resets++;
                                Assert.True(state.Resets == 1, $"{state.Labels} reset twice");
                            }
                        }

                        state.Points++;
                        state.LastTimestamp = timestamp;
                        state.LastValue = parser.Value;
                        break;
                }
            }
        }

        Assert.Equal(dataset.SamplesWritten, samples);
        Assert.Equal(dataset.SeriesCount, series.Count);
        Assert.Equal(series.Count, series.Values.Select(s => s.Labels).Distinct().Count());
        Assert.All(series.Values, s => Assert.Equal(240, s.Points));
        Assert.True(resets > 0, "no counter resets");

        // The families a node_exporter has, with the types it gives them.
        Assert.Contains("node_cpu_seconds", families);
        Assert.Contains("http_request_duration_seconds", families);
        Assert.Contains("go_gc_duration_seconds", families);
        Assert.Contains(series.Values, s => s.Labels.MetricName == "node_memory_MemAvailable_bytes");
        Assert.Equal(3 * 12 * 12, series.Values.Count(s => s.Labels.MetricName == "http_request_duration_seconds_bucket"));
        Assert.Contains(series.Values, s => s.Labels.MetricName == "http_request_duration_seconds_bucket" && s.Labels.Get("le") == "1.0");
        Assert.Equal(3 * 64, series.Values.Count(s => s.Labels.MetricName == "node_cpu_seconds_total"));
    }

    [Fact]
    public async Task Histogram_buckets_are_cumulative_and_end_at_the_count()
    {
        var (bytes, _) = await WriteAsync(Small with { Instances = 1 });
        var parser = new OpenMetricsTextParser(bytes);
        var previousBucket = -1.0;
        var checkedPoints = 0;
        while (parser.Next() is var entry && entry != ExpositionEntry.Eof)
        {
            if (entry != ExpositionEntry.Series || parser.Type != MetricFamilyType.Histogram)
            {
                continue;
            }

            var name = parser.GetMetricName();
            if (name.EndsWith("_bucket", StringComparison.Ordinal))
            {
                Assert.True(parser.Value >= previousBucket);
                previousBucket = parser.Value;
            }
            else if (name.EndsWith("_count", StringComparison.Ordinal))
            {
                Assert.Equal(previousBucket, parser.Value);
                previousBucket = -1;
                checkedPoints++;
            }
        }

        Assert.Equal(12 * 240, checkedPoints);
    }

    [Theory]
    [InlineData(16)]
    [InlineData(100)]
    [InlineData(1000)]
    public async Task Any_series_budget_is_met_exactly(int seriesPerInstance)
    {
        var options = new NodeExporterLikeDatasetOptions { Instances = 2, SeriesPerInstance = seriesPerInstance, Duration = TimeSpan.FromMinutes(2) };
        var (bytes, dataset) = await WriteAsync(options);
        var parser = new OpenMetricsTextParser(bytes);
        var keys = new HashSet<string>(StringComparer.Ordinal);
        while (parser.Next() is var entry && entry != ExpositionEntry.Eof)
        {
            if (entry == ExpositionEntry.Series)
            {
                keys.Add(Encoding.UTF8.GetString(parser.Series));
            }
        }

        Assert.Equal(2 * seriesPerInstance, keys.Count);
        Assert.Equal(2L * seriesPerInstance * 8, dataset.SamplesWritten);
    }

    [Fact]
    public async Task Promtool_backfills_it_with_every_sample()
    {
        var options = Small with { Instances = 2, Duration = TimeSpan.FromHours(3) };
        using var directory = new TempDirectory("dataset-");
        var file = directory.Combine("dataset.om");
        var dataset = new NodeExporterLikeDataset(options);
        await using (var stream = File.Create(file))
        {
            await dataset.WriteOpenMetricsAsync(stream);
        }

        var blocks = directory.Combine("blocks");
        var result = await Promtool.RunAsync(["tsdb", "create-blocks-from", "openmetrics", file, blocks], timeout: TimeSpan.FromMinutes(3));
        Assert.True(result.Succeeded, result.ToString());

        long samples = 0;
        var series = new List<long>();
        foreach (var meta in Directory.GetFiles(blocks, "meta.json", SearchOption.AllDirectories))
        {
            using var json = JsonDocument.Parse(await File.ReadAllTextAsync(meta));
            var stats = json.RootElement.GetProperty("stats");
            samples += stats.GetProperty("numSamples").GetInt64();
            series.Add(stats.GetProperty("numSeries").GetInt64());
        }

        Assert.Equal(dataset.ExpectedSampleCount, samples);
        Assert.Equal(dataset.SamplesWritten, samples);
        Assert.All(series, s => Assert.Equal(dataset.SeriesCount, s));
        Assert.Equal(2, series.Count); // 3 hours ending just before midnight: two aligned 2 h blocks
    }

    [Fact]
    public void Rejects_impossible_options()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeExporterLikeDataset(new NodeExporterLikeDatasetOptions { Instances = 0 }));
        Assert.Throws<ArgumentOutOfRangeException>(() => new NodeExporterLikeDataset(new NodeExporterLikeDatasetOptions { SeriesPerInstance = 3 }));
        Assert.Throws<ArgumentException>(() => new NodeExporterLikeDataset(new NodeExporterLikeDatasetOptions { Interval = TimeSpan.FromMilliseconds(100), ScrapeJitterMilliseconds = 60 }));
        var defaults = new NodeExporterLikeDataset();
        Assert.Equal(20_000, defaults.SeriesCount);
        Assert.Equal(1440, defaults.Options.PointsPerSeries);
        Assert.Equal(28_800_000, defaults.ExpectedSampleCount);
        var (min, max) = defaults.TimeRange;
        Assert.True(max <= new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds());
        Assert.True(min >= new DateTimeOffset(2023, 12, 31, 18, 0, 0, TimeSpan.Zero).ToUnixTimeMilliseconds(), min.ToString(CultureInfo.InvariantCulture));
    }

    private static bool IsCumulative(MetricFamilyType type, string name) => type switch
    {
        MetricFamilyType.Counter => true,
        MetricFamilyType.Histogram => true,
        MetricFamilyType.Summary => name.EndsWith("_sum", StringComparison.Ordinal) || name.EndsWith("_count", StringComparison.Ordinal),
        _ => false,
    };

    private sealed class SeriesState(LabelSet labels, bool cumulative)
    {
        public LabelSet Labels { get; } = labels;

        public bool Cumulative { get; } = cumulative;

        public int Points { get; set; }

        public long LastTimestamp { get; set; }

        public double LastValue { get; set; }

        public int Resets { get; set; }
    }
}
