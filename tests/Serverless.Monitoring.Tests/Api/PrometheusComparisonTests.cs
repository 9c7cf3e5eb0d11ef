using System.Globalization;
using Serverless.Monitoring.Tests.Fixtures;
using Xunit.Abstractions;

namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// Issue 6's acceptance: the same OpenMetrics file in a real Prometheus 2.42 and in ours, the
/// same queries against both HTTP APIs (instant, GET and POST, and range), the same answers;
/// <c>/api/v1/series</c>, <c>/api/v1/labels</c> and label values too; and promtool's
/// <c>query instant|range|series|labels</c> print the same text against both.
/// </summary>
public sealed class PrometheusComparisonTests(PrometheusComparisonFixture fixture, ITestOutputHelper output) : IClassFixture<PrometheusComparisonFixture>
{
    private static readonly TimeSpan OffGrid = TimeSpan.FromMilliseconds(345);

    /// <summary>Two minutes before the last scrape, off the scrape grid.</summary>
    private static readonly DateTimeOffset Late = PrometheusComparisonFixture.DataEnd - TimeSpan.FromMinutes(2) + OffGrid;

    /// <summary>Mid-dataset, off the scrape grid.</summary>
    private static readonly DateTimeOffset Middle = PrometheusComparisonFixture.DataEnd - TimeSpan.FromMinutes(28) + TimeSpan.FromSeconds(17) + OffGrid;

    private static readonly DateTimeOffset RangeStart = PrometheusComparisonFixture.DataEnd - TimeSpan.FromMinutes(40) + OffGrid;

    private readonly HttpClient _http = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(30));

    [Fact]
    public async Task Instant_and_range_queries_agree_with_Prometheus()
    {
        var mismatches = new List<string>();
        var compared = 0;
        foreach (var query in ComparisonQueries.All)
        {
            var instant = new Dictionary<string, string> { ["query"] = query.Expr, ["time"] = Seconds(Late) };
            mismatches.AddRange(await CompareAsync("instant GET", "api/v1/query", instant, query.Ordered, post: false));
            var middle = new Dictionary<string, string> { ["query"] = query.Expr, ["time"] = Rfc3339(Middle) };
            mismatches.AddRange(await CompareAsync("instant POST", "api/v1/query", middle, query.Ordered, post: true));
            var range = new Dictionary<string, string>
            {
                ["query"] = query.Expr,
                ["start"] = Seconds(RangeStart),
                ["end"] = Seconds(Late),
                ["step"] = query.Expr.Length % 2 == 0 ? "60" : "37s",
            };
            mismatches.AddRange(await CompareAsync("range", "api/v1/query_range", range, ordered: false, post: query.Expr.Length % 3 == 0));
            compared += 3;
        }

        output.WriteLine($"{compared} queries compared ({ComparisonQueries.All.Count} expressions), {mismatches.Count} mismatches");
        Assert.True(compared >= 100, $"only {compared} queries");
        Assert.True(mismatches.Count == 0, string.Join("\n", mismatches));
    }

    [Theory]
    [InlineData("api/v1/series", "match[]=node_load1")]
    [InlineData("api/v1/series", "match[]=node_network_up&match[]={__name__=~\"node_load.*\",instance!=\"\"}")]
    [InlineData("api/v1/series", "match[]={job=\"node\",device=\"eth0\"}&start=1704063600&end=1704065400")]
    [InlineData("api/v1/series", "match[]=http_request_duration_seconds_bucket{le=\"1.0\"}")]
    [InlineData("api/v1/series", "match[]=node_load1&start=1600000000&end=1600000600")]
    [InlineData("api/v1/series", "match[]={foo=\"\"}")]
    [InlineData("api/v1/series", "")]
    [InlineData("api/v1/labels", "")]
    [InlineData("api/v1/labels", "match[]=go_gc_duration_seconds")]
    [InlineData("api/v1/labels", "match[]=node_network_up&match[]=node_filesystem_files")]
    [InlineData("api/v1/labels", "start=1704063600&end=1704067200")]
    [InlineData("api/v1/label/__name__/values", "")]
    [InlineData("api/v1/label/device/values", "")]
    [InlineData("api/v1/label/device/values", "match[]=node_filesystem_size_bytes")]
    [InlineData("api/v1/label/instance/values", "match[]=node_load1&start=2023-12-31T23:00:00Z&end=2023-12-31T23:30:00.5Z")]
    [InlineData("api/v1/label/le/values", "")]
    [InlineData("api/v1/label/nonexistent/values", "")]
    public async Task Series_labels_and_label_values_agree_with_Prometheus(string path, string query)
    {
        var relative = query.Length == 0 ? path : $"{path}?{query}";
        var (expected, actual) = await GetBothAsync(relative);
        Assert.True(ApiAnswerComparer.CompareList(expected, actual) is not { } problem, $"{relative}: {ApiAnswerComparer.CompareList(expected, actual)}");
    }

    [Fact]
    public async Task Post_forms_of_series_and_labels_agree_with_Prometheus()
    {
        foreach (var path in new[] { "api/v1/series", "api/v1/labels" })
        {
            var form = new Dictionary<string, string> { ["match[]"] = "node_disk_io_time_seconds_total", ["start"] = "1704063600", ["end"] = "1704067200" };
            var expected = await PostAsync(new Uri(fixture.PrometheusUri, path), form);
            var actual = await PostAsync(new Uri(fixture.OursUri, path), form);
            Assert.True(ApiAnswerComparer.CompareList(expected, actual) is null, $"{path}: {ApiAnswerComparer.CompareList(expected, actual)}");
        }
    }

    [Fact]
    public async Task Promtool_query_commands_print_the_same_against_both_servers()
    {
        var late = Rfc3339(Late);
        var start = Rfc3339(RangeStart);
        string[][] commands =
        [
            ["query", "instant", "{url}", "node_load1", $"--time={late}"],
            ["query", "instant", "{url}", "sort_desc(max_over_time(node_load5[10m]))", $"--time={late}"],
            ["query", "instant", "{url}", "count(node_cpu_seconds_total)", $"--time={late}"],
            ["query", "instant", "{url}", "node_network_up{device=\"eth0\"}", $"--time={Rfc3339(Middle)}"],
            ["query", "range", "{url}", "node_load15", $"--start={start}", $"--end={late}", "--step=5m"],
            ["query", "range", "{url}", "max by (instance) (node_procs_running)", $"--start={start}", $"--end={late}", "--step=2m"],
            ["query", "series", "{url}", "--match=node_load1", "--match=node_network_up{device=\"lo\"}", "--start=2023-12-31T22:00:00Z", "--end=2024-01-01T01:00:00Z"],
            ["query", "labels", "{url}", "mountpoint", "--start=2023-12-31T22:00:00Z", "--end=2024-01-01T01:00:00Z"],
            ["query", "labels", "{url}", "device", "--match=node_disk_reads_completed_total", "--start=2023-12-31T22:00:00Z", "--end=2024-01-01T01:00:00Z"],
        ];

        var differences = new List<string>();
        foreach (var command in commands)
        {
            var expected = await Promtool.RunAsync(command.Select(a => a.Replace("{url}", fixture.PrometheusUri.ToString(), StringComparison.Ordinal)));
            var actual = await Promtool.RunAsync(command.Select(a => a.Replace("{url}", fixture.OursUri.ToString(), StringComparison.Ordinal)));
            Assert.True(expected.Succeeded && expected.StandardOutput.Length > 0, $"against Prometheus: {expected}");
            if (actual.ExitCode != expected.ExitCode || actual.StandardOutput != expected.StandardOutput)
            {
                differences.Add($"promtool {string.Join(' ', command)}:\n--- Prometheus\n{expected.StandardOutput}{expected.StandardError}\n--- ours\n{actual.StandardOutput}{actual.StandardError}");
            }
        }

        Assert.True(differences.Count == 0, string.Join("\n", differences));
    }

    private async Task<List<string>> CompareAsync(string kind, string path, Dictionary<string, string> parameters, bool ordered, bool post)
    {
        ApiAnswer expected, actual;
        if (post)
        {
            var e = PostAsync(new Uri(fixture.PrometheusUri, path), parameters);
            var a = PostAsync(new Uri(fixture.OursUri, path), parameters);
            (expected, actual) = (await e, await a);
        }
        else
        {
            var relative = path + "?" + string.Join("&", parameters.Select(p => $"{p.Key}={Uri.EscapeDataString(p.Value)}"));
            (expected, actual) = await GetBothAsync(relative);
        }

        if (ApiAnswerComparer.ErrorText(expected) is { } expectedError && ApiAnswerComparer.ErrorText(actual) != expectedError)
        {
            output.WriteLine($"error text differs for {kind} {parameters["query"]}: ours {ApiAnswerComparer.ErrorText(actual)} / Prometheus {expectedError}");
        }

        return ApiAnswerComparer.CompareQuery(expected, actual, ordered) is { } problem
            ? [$"{kind} {parameters["query"]} ({string.Join(", ", parameters.Where(p => p.Key != "query").Select(p => $"{p.Key}={p.Value}"))}): {problem}"]
            : [];
    }

    private async Task<(ApiAnswer Expected, ApiAnswer Actual)> GetBothAsync(string relative)
    {
        var expected = GetAsync(new Uri(fixture.PrometheusUri, relative));
        var actual = GetAsync(new Uri(fixture.OursUri, relative));
        return (await expected, await actual);
    }

    private async Task<ApiAnswer> GetAsync(Uri uri)
    {
        using var response = await _http.GetAsync(uri);
        return new ApiAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private async Task<ApiAnswer> PostAsync(Uri uri, Dictionary<string, string> form)
    {
        using var content = new FormUrlEncodedContent(form);
        using var response = await _http.PostAsync(uri, content);
        return new ApiAnswer((int)response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    private static string Seconds(DateTimeOffset time) =>
        (time.ToUnixTimeMilliseconds() / 1000m).ToString("0.###", CultureInfo.InvariantCulture);

    private static string Rfc3339(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture);
}
