using System.Diagnostics;
using System.Net;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Instrumentation;

namespace Serverless.Monitoring.Tests.Hosting;

public class MetricsEndpointTests(MonitoringAppFactory factory) : IClassFixture<MonitoringAppFactory>
{
    private static readonly string[] ProcessFamilies =
    [
        "process_cpu_seconds_total", "process_resident_memory_bytes", "process_virtual_memory_bytes",
        "process_start_time_seconds", "process_open_fds", "process_max_fds",
    ];

    private static readonly string[] RuntimeFamilies =
    [
        "dotnet_gc_heap_size_bytes", "dotnet_gc_collections_total", "dotnet_threadpool_threads",
    ];

    [Fact]
    public async Task Metrics_use_the_0_0_4_content_type()
    {
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/metrics", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", response.Content.Headers.ContentType?.ToString());
    }

    [Fact]
    public async Task Every_sample_belongs_to_a_family_with_HELP_and_TYPE()
    {
        using var client = factory.CreateClient();
        await client.GetStringAsync(new Uri("/-/healthy", UriKind.Relative));
        var exposition = ExpositionText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

        Assert.NotEmpty(exposition.Samples);
        Assert.All(exposition.Types.Keys, family => Assert.True(exposition.Helps.ContainsKey(family)));
        foreach (var family in ProcessFamilies.Concat(RuntimeFamilies))
        {
            Assert.True(exposition.Types.ContainsKey(family), $"{family} is missing");
        }

        Assert.Equal("counter", exposition.Types["prometheus_http_requests_total"]);
        Assert.Equal("histogram", exposition.Types["prometheus_http_request_duration_seconds"]);
        Assert.Equal("counter", exposition.Types["process_cpu_seconds_total"]);
        Assert.Equal(
            ["0", "1", "2"],
            exposition.Samples.Where(s => s.Name == "dotnet_gc_collections_total").Select(s => s.Labels["generation"]).Order());
        Assert.True(exposition.Value("process_start_time_seconds") > 1.6e9);
        Assert.True(exposition.Value("process_resident_memory_bytes") > 0);
        Assert.Equal(1, exposition.Value("serverless_monitoring_build_info", Labels(exposition, "serverless_monitoring_build_info")));
    }

    [Fact]
    public async Task Request_counter_increments_after_a_request()
    {
        using var client = factory.CreateClient();
        var labels = new[] { ("code", "200"), ("handler", "/-/healthy") };
        var before = (await ScrapeAsync(client)).Value("prometheus_http_requests_total", labels) ?? 0;

        await client.GetStringAsync(new Uri("/-/healthy", UriKind.Relative));

        // The middleware records after the response is sent, so allow the scrape to race it briefly.
        var after = await EventuallyAsync(client, e => e.Value("prometheus_http_requests_total", labels) == before + 1);
        Assert.Equal(before + 1, after.Value("prometheus_http_requests_total", labels));
        Assert.True(after.Value("prometheus_http_request_duration_seconds_count", ("handler", "/-/healthy")) >= before + 1);
    }

    [Fact]
    public async Task Handler_label_is_the_route_pattern_and_unmatched_paths_share_one_label()
    {
        using var client = factory.CreateClient();
        using var notFound = await client.GetAsync(new Uri("/no/such/path/" + Guid.NewGuid(), UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);

        var exposition = await EventuallyAsync(client, e => e.Value("prometheus_http_requests_total", ("code", "404"), ("handler", "unmatched")) >= 1);
        Assert.All(
            exposition.Samples.Where(s => s.Family.StartsWith("prometheus_http_", StringComparison.Ordinal)),
            s => Assert.DoesNotContain("/no/such/path", s.Labels["handler"], StringComparison.Ordinal));
    }

    [Fact]
    public async Task Request_duration_buckets_are_cumulative_and_Inf_equals_count()
    {
        using var client = factory.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            await client.GetStringAsync(new Uri("/-/ready", UriKind.Relative));
        }

        var exposition = await ScrapeAsync(client);
        var handlers = exposition.Samples
            .Where(s => s.Name == "prometheus_http_request_duration_seconds_bucket")
            .Select(s => s.Labels["handler"]).Distinct().ToList();
        Assert.Contains("/-/ready", handlers);
        foreach (var handler in handlers)
        {
            var buckets = exposition.Samples
                .Where(s => s.Name == "prometheus_http_request_duration_seconds_bucket" && s.Labels["handler"] == handler)
                .ToList();
            Assert.Equal("+Inf", buckets[^1].Labels["le"]);
            for (var i = 1; i < buckets.Count; i++)
            {
                Assert.True(buckets[i].Value >= buckets[i - 1].Value, $"{handler}: bucket {buckets[i].Labels["le"]} decreases");
            }

            Assert.Equal(exposition.Value("prometheus_http_request_duration_seconds_count", ("handler", handler)), buckets[^1].Value);
        }
    }

    [Fact]
    public async Task Promtool_check_metrics_accepts_our_exposition()
    {
        using var client = factory.CreateClient();
        await client.GetStringAsync(new Uri("/-/healthy", UriKind.Relative));
        await client.GetAsync(new Uri("/missing", UriKind.Relative));
        var text = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        var result = await Promtool.CheckMetricsAsync(text);
        Assert.True(result.Succeeded, $"promtool check metrics: {result}\n--- exposition ---\n{text}");
    }

    private static (string, string)[] Labels(ExpositionText exposition, string name) =>
        exposition.Samples.Single(s => s.Name == name).Labels.Select(l => (l.Key, l.Value)).ToArray();

    private static async Task<ExpositionText> ScrapeAsync(HttpClient client) =>
        ExpositionText.Parse(await client.GetStringAsync(new Uri("/metrics", UriKind.Relative)));

    private static async Task<ExpositionText> EventuallyAsync(HttpClient client, Func<ExpositionText, bool> condition)
    {
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            var exposition = await ScrapeAsync(client);
            if (condition(exposition) || deadline.Elapsed > TimeSpan.FromSeconds(5))
            {
                return exposition;
            }

            await Task.Delay(20);
        }
    }
}
