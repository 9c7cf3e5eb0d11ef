using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Tests.Scraping;

public sealed class ScrapeLoopTests
{
    private const string Text = "text/plain; version=0.0.4";
    private const long T0 = 1_700_000_000_000;

    private static ScrapeTarget Target(bool honorLabels = false, bool honorTimestamps = true, ScrapeLimits? limits = null, Func<LabelSetBuilder, bool>? relabel = null) => new()
    {
        Job = "node",
        Url = new Uri("http://127.0.0.1:9100/metrics"),
        Labels = LabelSet.FromStrings("instance", "127.0.0.1:9100", "job", "node"),
        Interval = TimeSpan.FromSeconds(15),
        Timeout = TimeSpan.FromSeconds(10),
        HonorLabels = honorLabels,
        HonorTimestamps = honorTimestamps,
        Limits = limits ?? ScrapeLimits.None,
        MetricRelabel = relabel,
    };

    private static ScrapeOutput Scrape(ScrapeLoop loop, string body, long time, string? failure = null, string contentType = Text) =>
        loop.Append(Encoding.UTF8.GetBytes(body), contentType, time, TimeSpan.FromMilliseconds(12), failure);

    /// <summary>Every sample of the output as "labels time value" ("stale" for the marker), sorted.</summary>
    private static List<string> Lines(ScrapeOutput output) =>
        output.Series
            .SelectMany(s => s.Samples.Select(p => $"{Format(s.Labels)} {p.TimestampMs - T0} {(p.IsStale ? "stale" : p.Value.ToString(System.Globalization.CultureInfo.InvariantCulture))}"))
            .Order(StringComparer.Ordinal)
            .ToList();

    /// <summary>Like PromQL prints a series: name{labels}.</summary>
    private static string Format(LabelSet labels) =>
        labels.MetricName + "{" + string.Join(", ", labels.Where(l => l.Name != "__name__").Select(l => $"{l.Name}=\"{l.Value}\"")) + "}";

    private static string Report(double up, int scraped, int post, int added, long time) =>
        string.Join('\n', new[]
        {
            $"scrape_duration_seconds{{instance=\"127.0.0.1:9100\", job=\"node\"}} {time} 0.012",
            $"scrape_samples_post_metric_relabeling{{instance=\"127.0.0.1:9100\", job=\"node\"}} {time} {post}",
            $"scrape_samples_scraped{{instance=\"127.0.0.1:9100\", job=\"node\"}} {time} {scraped}",
            $"scrape_series_added{{instance=\"127.0.0.1:9100\", job=\"node\"}} {time} {added}",
            $"up{{instance=\"127.0.0.1:9100\", job=\"node\"}} {time} {up}",
        });

    [Fact]
    public void Adds_target_labels_and_reports_the_scrape()
    {
        var loop = new ScrapeLoop(Target());
        var output = Scrape(loop, "# TYPE a gauge\na{x=\"1\"} 1.5\na{x=\"2\"} 2\n", T0);
        Assert.True(output.Report.Up);
        var lines = Lines(output);
        Assert.Equal(
            [
                "a{instance=\"127.0.0.1:9100\", job=\"node\", x=\"1\"} 0 1.5",
                "a{instance=\"127.0.0.1:9100\", job=\"node\", x=\"2\"} 0 2",
                .. Report(1, 2, 2, 2, 0).Split('\n'),
            ],
            lines);

        // The same series again: nothing new is added.
        Assert.Equal(0, Scrape(loop, "a{x=\"1\"} 1.5\na{x=\"2\"} 2\n", T0 + 15_000).Report.SeriesAdded);
    }

    public static TheoryData<bool, string, string[]> Conflicts => new()
    {
        { false, "a{job=\"scraped\"} 1\n", ["a{exported_job=\"scraped\", instance=\"127.0.0.1:9100\", job=\"node\"} 0 1"] },
        { false, "a{job=\"j\",exported_job=\"e\"} 1\n", ["a{exported_exported_job=\"j\", exported_job=\"e\", instance=\"127.0.0.1:9100\", job=\"node\"} 0 1"] },
        { true, "a{job=\"scraped\"} 1\n", ["a{instance=\"127.0.0.1:9100\", job=\"scraped\"} 0 1"] },
        { true, "a{job=\"\"} 1\n", ["a{instance=\"127.0.0.1:9100\", job=\"node\"} 0 1"] },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void Resolves_label_conflicts_like_honor_labels(bool honor, string body, string[] expected)
    {
        var output = Scrape(new ScrapeLoop(Target(honorLabels: honor)), body, T0);
        Assert.Equal(expected, Lines(output).Where(l => l.StartsWith("a{", StringComparison.Ordinal)));
    }

    [Fact]
    public void A_series_that_disappears_gets_a_staleness_marker_once()
    {
        var loop = new ScrapeLoop(Target());
        Scrape(loop, "a 1\nb 2\n", T0);
        var second = Lines(Scrape(loop, "a 1\n", T0 + 15_000));
        Assert.Contains("b{instance=\"127.0.0.1:9100\", job=\"node\"} 15000 stale", second);
        Assert.DoesNotContain(Lines(Scrape(loop, "a 1\n", T0 + 30_000)), l => l.EndsWith("stale", StringComparison.Ordinal));

        // The marker has Prometheus's exact bits.
        var staleSample = Scrape(loop, string.Empty, T0 + 45_000).Series.Single(s => s.Labels.MetricName == "a").Samples[0];
        Assert.Equal(StaleMarker.Bits, BitConverter.DoubleToUInt64Bits(staleSample.Value));
    }

    public static TheoryData<string, string, ScrapeLimits, string> Failures => new()
    {
        { "HTTP failure", "a 1\n", ScrapeLimits.None, "server returned HTTP status 500 Internal Server Error" },
        { "parse error", "a 1\nb{ 2\n", ScrapeLimits.None, "line 2" },
        { "sample limit", "a 1\nb 2\nc 3\n", new ScrapeLimits(SampleLimit: 2), "sample limit exceeded" },
        { "label limit", "a{x=\"1\",y=\"2\"} 1\n", new ScrapeLimits(LabelLimit: 4), "label_limit exceeded (metric: a, number of labels: 5, limit: 4)" },
        { "label name length", "a{long_name=\"1\"} 1\n", new ScrapeLimits(LabelNameLengthLimit: 8), "label_name_length_limit exceeded (metric: a, label name: long_name, length: 9, limit: 8)" },
        { "label value length", "a{x=\"123456\"} 1\n", new ScrapeLimits(LabelValueLengthLimit: 5), "label_value_length_limit exceeded (metric: a, label name: instance, value: \"127.0.0.1:9100\", length: 14, limit: 5)" },
    };

    [Theory]
    [MemberData(nameof(Failures))]
    public void A_failed_scrape_is_up_0_stores_nothing_of_its_own_and_marks_earlier_series_stale(string name, string body, ScrapeLimits limits, string error)
    {
        var loop = new ScrapeLoop(Target(limits: limits with { LabelValueLengthLimit = 0 }));
        Scrape(loop, "old 1\n", T0);
        var failing = new ScrapeLoop(Target(limits: limits));
        failing.RestorePreviousSeries(loop.PreviousSeries);
        var output = Scrape(failing, body, T0 + 15_000, name == "HTTP failure" ? error : null);

        Assert.False(output.Report.Up, name);
        Assert.Contains(error, output.Report.Error, StringComparison.Ordinal);
        var lines = Lines(output);
        Assert.Contains("old{instance=\"127.0.0.1:9100\", job=\"node\"} 15000 stale", lines);
        Assert.Contains("up{instance=\"127.0.0.1:9100\", job=\"node\"} 15000 0", lines);
        Assert.DoesNotContain(lines, l => l.StartsWith("a{", StringComparison.Ordinal) || l.StartsWith("b{", StringComparison.Ordinal));
        Assert.Empty(failing.PreviousSeries);
    }

    [Fact]
    public void Metric_relabeling_drops_and_rewrites_and_is_counted_after()
    {
        var loop = new ScrapeLoop(Target(relabel: b =>
        {
            if (b.Get("__name__") == "drop_me")
            {
                return false;
            }

            b.Set("env", "prod");
            return true;
        }));
        var output = Scrape(loop, "drop_me 1\nkeep 2\n", T0);
        Assert.Equal((2, 1), (output.Report.SamplesScraped, output.Report.SamplesPostMetricRelabeling));
        Assert.Contains("keep{env=\"prod\", instance=\"127.0.0.1:9100\", job=\"node\"} 0 2", Lines(output));
        Assert.DoesNotContain(Lines(output), l => l.StartsWith("drop_me", StringComparison.Ordinal));
    }

    [Theory]
    [InlineData(true, "a{instance=\"127.0.0.1:9100\", job=\"node\"} -1000000 7")]
    [InlineData(false, "a{instance=\"127.0.0.1:9100\", job=\"node\"} 0 7")]
    public void Explicit_timestamps_follow_honor_timestamps_and_get_no_staleness(bool honor, string expected)
    {
        var loop = new ScrapeLoop(Target(honorTimestamps: honor));
        Assert.Contains(expected, Lines(Scrape(loop, $"a 7 {T0 - 1_000_000}\n", T0)));
        var next = Lines(Scrape(loop, string.Empty, T0 + 15_000));
        Assert.Equal(!honor, next.Contains("a{instance=\"127.0.0.1:9100\", job=\"node\"} 15000 stale"));
    }

    [Fact]
    public void Stop_marks_every_series_and_the_report_series_stale()
    {
        var loop = new ScrapeLoop(Target());
        Scrape(loop, "a 1\n", T0);
        var stale = loop.Stop(T0 + 5_000);
        Assert.Equal(6, stale.Count);
        Assert.All(stale, s => Assert.True(s.Samples.Single().IsStale));
        Assert.Contains(stale, s => s.Labels.MetricName == "up");
        Assert.Contains(stale, s => s.Labels.MetricName == "a");
    }

    [Fact]
    public void OpenMetrics_is_chosen_by_content_type()
    {
        var output = Scrape(new ScrapeLoop(Target()), "# TYPE a counter\na_total 3\n# EOF\n", T0, contentType: "application/openmetrics-text; version=1.0.0");
        Assert.True(output.Report.Up, output.Report.Error);
        Assert.Contains("a_total{instance=\"127.0.0.1:9100\", job=\"node\"} 0 3", Lines(output));

        // Without the header the same body is the text format, where "# EOF" is a comment.
        Assert.True(Scrape(new ScrapeLoop(Target()), "a_total 3\n", T0, contentType: "text/plain").Report.Up);
    }

    [Fact]
    public void A_fingerprint_changes_only_when_the_series_set_does()
    {
        var loop = new ScrapeLoop(Target());
        Scrape(loop, "a 1\n", T0);
        var first = loop.PreviousSeriesFingerprint;
        Scrape(loop, "a 2\n", T0 + 15_000);
        Assert.Equal(first, loop.PreviousSeriesFingerprint);
        Scrape(loop, "a 2\nb 1\n", T0 + 30_000);
        Assert.NotEqual(first, loop.PreviousSeriesFingerprint);
    }

    [Fact]
    public void Keeps_HELP_TYPE_and_UNIT_of_each_family_and_follows_changes()
    {
        var loop = new ScrapeLoop(Target());
        Scrape(loop, "# HELP a_seconds How long \\\\ it took.\n# TYPE a_seconds gauge\na_seconds 1\n# TYPE b counter\nb 2\n", T0);
        Assert.Equal(
            [new MetricMetadata("a_seconds", "gauge", "How long \\ it took.", string.Empty), new MetricMetadata("b", "counter", string.Empty, string.Empty)],
            loop.Metadata);
        var first = loop.Metadata;
        Scrape(loop, "# HELP a_seconds How long \\\\ it took.\n# TYPE a_seconds gauge\na_seconds 1\n# TYPE b counter\nb 2\n", T0 + 15_000);
        Assert.Same(first, loop.Metadata);

        Scrape(loop, "# TYPE a_seconds counter\n# UNIT a_seconds seconds\na_seconds_total 1\n# EOF\n", T0 + 30_000, contentType: "application/openmetrics-text; version=1.0.0");
        Assert.Contains(new MetricMetadata("a_seconds", "counter", "How long \\ it took.", "seconds"), loop.Metadata);
    }
}
