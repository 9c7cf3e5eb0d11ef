using System.Text;
using Serverless.Monitoring.Core.Exposition;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Exposition;

/// <summary>Parses real exporter payloads completely, in both formats, and a live node_exporter scrape.</summary>
public sealed class RealPayloadTests
{
    [Theory]
    [InlineData(Payloads.NodeExporterText)]
    [InlineData(Payloads.PrometheusText)]
    public void Text_payload_parses_completely(string name)
    {
        var payload = Payloads.Read(name);
        var lines = Encoding.UTF8.GetString(payload).Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var entries = ParsedEntry.ParseAll(new PrometheusTextParser(payload));

        Assert.Equal(lines.Count(l => !l.StartsWith('#')), entries.Count(e => e.Kind == ExpositionEntry.Series));
        Assert.Equal(lines.Count(l => l.StartsWith("# HELP ", StringComparison.Ordinal)), entries.Count(e => e.Kind == ExpositionEntry.Help));
        Assert.Equal(lines.Count(l => l.StartsWith("# TYPE ", StringComparison.Ordinal)), entries.Count(e => e.Kind == ExpositionEntry.Type));
        Assert.All(entries.Where(e => e.Kind == ExpositionEntry.Help), e => Assert.False(string.IsNullOrEmpty(e.Text)));

        // Every series is distinct.
        var series = entries.Where(e => e.Kind == ExpositionEntry.Series).Select(e => e.Labels!).ToList();
        Assert.Equal(series.Count, series.Distinct().Count());
    }

    [Fact]
    public void Node_exporter_payload_has_the_expected_families()
    {
        var entries = ParsedEntry.ParseAll(new PrometheusTextParser(Payloads.Read(Payloads.NodeExporterText)));
        var types = entries.Where(e => e.Kind == ExpositionEntry.Type).ToDictionary(e => e.M, e => e.Type);
        Assert.Equal(MetricFamilyType.Counter, types["node_cpu_seconds_total"]);
        Assert.Equal(MetricFamilyType.Gauge, types["node_memory_MemTotal_bytes"]);
        Assert.Equal(MetricFamilyType.Summary, types["go_gc_duration_seconds"]);
        Assert.Equal(MetricFamilyType.Unknown, types["node_vmstat_pgfault"]);

        var cpu = entries.Where(e => e.Labels?.MetricName == "node_cpu_seconds_total").ToList();
        Assert.NotEmpty(cpu);
        Assert.All(cpu, e =>
        {
            Assert.True(e.Labels!.Contains("cpu"));
            Assert.True(e.Labels.Contains("mode"));
            Assert.True(e.Value >= 0);
            Assert.Null(e.Timestamp);
        });

        // Summary quantiles in OpenMetrics float form, as Prometheus 3 stores them.
        Assert.Contains(entries, e => e.Labels?.MetricName == "go_gc_duration_seconds" && e.Labels.Get("quantile") == "0.0");
        Assert.Contains(entries, e => e.Labels?.MetricName == "go_gc_duration_seconds" && e.Labels.Get("quantile") == "1.0");
    }

    [Theory]
    [InlineData(Payloads.NodeExporterText, Payloads.NodeExporterOpenMetrics)]
    [InlineData(Payloads.PrometheusText, Payloads.PrometheusOpenMetrics)]
    public void OpenMetrics_form_gives_the_same_samples(string text, string openMetrics)
    {
        static List<(LabelSet Labels, ulong Bits)> Samples(IEnumerable<ParsedEntry> entries) =>
            entries.Where(e => e.Kind == ExpositionEntry.Series)
                .Select(e => (e.Labels!, BitConverter.DoubleToUInt64Bits(e.Value)))
                .ToList();

        var fromText = Samples(ParsedEntry.ParseAll(new PrometheusTextParser(Payloads.Read(text))));
        var fromOpenMetrics = Samples(ParsedEntry.ParseAll(new OpenMetricsTextParser(Payloads.Read(openMetrics))));
        Assert.NotEmpty(fromText);
        Assert.Equal(fromText, fromOpenMetrics);
    }

    [Fact]
    public async Task Live_node_exporter_scrape_parses_completely()
    {
        using var exporter = await NodeExporterFixture.StartAsync();
        using var client = new HttpClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, exporter.MetricsUri);
        request.Headers.TryAddWithoutValidation("Accept", ExpositionContentType.ScrapeAcceptHeader);
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var payload = await response.Content.ReadAsByteArrayAsync();
        var contentType = response.Content.Headers.ContentType?.ToString();

        var parser = ExpositionContentType.CreateParser(contentType, payload);
        var series = 0;
        var names = new HashSet<string>(StringComparer.Ordinal);
        while (parser.Next() is var entry && entry != ExpositionEntry.Eof)
        {
            if (entry == ExpositionEntry.Series)
            {
                series++;
                names.Add(parser.GetLabelSet().MetricName);
            }
        }

        Assert.True(series > 200, $"only {series} series");
        Assert.Contains("node_cpu_seconds_total", names);
        Assert.Contains("node_memory_MemAvailable_bytes", names);
        Assert.Contains("go_gc_duration_seconds", names);
    }

    [Fact]
    public void Parsing_samples_allocates_nothing()
    {
        var payload = Payloads.Read(Payloads.NodeExporterText);
        var parser = new PrometheusTextParser(payload);
        Consume(parser);
        parser.Reset(payload);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var (series, checksum) = Consume(parser);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(series > 100);
        Assert.NotEqual(0, checksum);
        Assert.Equal(0, allocated);

        static (int Series, long Checksum) Consume(ExpositionParser parser)
        {
            var series = 0;
            long checksum = 0;
            while (parser.Next() is var entry && entry != ExpositionEntry.Eof)
            {
                if (entry != ExpositionEntry.Series)
                {
                    checksum += parser.RawMetricName.Length;
                    continue;
                }

                series++;
                checksum += parser.Series.Length + parser.RawMetricName.Length + (long)parser.Value + (parser.Timestamp ?? 0);
                for (var i = 0; i < parser.LabelCount; i++)
                {
                    checksum += parser.GetRawLabelName(i).Length + parser.GetRawLabelValue(i).Length;
                }
            }

            return (series, checksum);
        }
    }
}
