using System.Globalization;

namespace Serverless.Monitoring.Benchmarks.PromQL;

/// <summary>
/// One benchmark query: an instant query at the evaluation time, or a range query over
/// <see cref="Range"/> ending there, every <see cref="Step"/>.
/// </summary>
public sealed record PromqlBenchmarkQuery(string Name, string Query, TimeSpan Range, TimeSpan Step)
{
    public bool IsRange => Range > TimeSpan.Zero;

    public override string ToString() => Name;

    /// <summary>"instant" or e.g. "range 1h/15s", for reports.</summary>
    public string Shape => IsRange
        ? string.Create(CultureInfo.InvariantCulture, $"range {Range.TotalHours:0.##}h/{Step.TotalSeconds:0}s")
        : "instant";
}

/// <summary>
/// The fixed query set of the PromQL benchmarks (issue 4, item 5): Grafana node_exporter panels
/// and alerting rules over the node_exporter-like dataset's metrics. Shared by
/// <see cref="PromqlEvalBenchmarks"/> and <see cref="PromqlCompareCommand"/>.
/// </summary>
public static class PromqlBenchmarkQueries
{
    private static readonly TimeSpan Hour = TimeSpan.FromHours(1);
    private static readonly TimeSpan Step15 = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan Step60 = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Queries are evaluated this far after the dataset's last scrape slot: half a scrape interval,
    /// so no step and no range boundary ever lands on a sample (the instances' timestamps sit
    /// within 5 ms of the 15 s grid). Prometheus 2.42 closes ranges on the left and 3.x (ours)
    /// opens them, so a sample exactly on a boundary would make the two disagree.
    /// </summary>
    public static readonly TimeSpan EvaluationOffset = TimeSpan.FromMilliseconds(7_500);

    public static IReadOnlyList<PromqlBenchmarkQuery> All { get; } =
    [
        new("cpu-by-mode", "sum by (mode) (rate(node_cpu_seconds_total[5m]))", Hour, Step15),
        new("cpu-busy-pct", "100 - (avg by (instance) (rate(node_cpu_seconds_total{mode=\"idle\"}[5m])) * 100)", Hour, Step60),
        new("net-rx-by-instance", "sum by (instance) (rate(node_network_receive_bytes_total{device!~\"lo|docker0\"}[5m]))", Hour, Step15),
        new("http-p99-by-handler", "histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket[5m])))", Hour, Step60),
        new("http-p90-one-handler", "histogram_quantile(0.9, rate(http_request_duration_seconds_bucket{handler=\"/api/v1/query\"}[5m]))", TimeSpan.Zero, TimeSpan.Zero),
        new("http-mean-latency", "rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])", Hour, Step60),
        new("http-get-share", "sum(rate(http_request_duration_seconds_count{method=\"GET\"}[5m])) / sum(rate(http_request_duration_seconds_count[5m]))", Hour, Step15),
        new("topk-disk-write", "topk(5, sum by (instance) (rate(node_disk_written_bytes_total[5m])))", TimeSpan.Zero, TimeSpan.Zero),
        new("load-avg-1h", "avg_over_time(node_load1[1h])", TimeSpan.Zero, TimeSpan.Zero),
        new("load-p95-30m", "quantile_over_time(0.95, node_load1[30m])", Hour, Step60),
        new("ctx-switch-irate", "irate(node_context_switches_total[5m])", Hour, Step15),
        new("forks-increase-1h", "increase(node_forks_total[1h])", TimeSpan.Zero, TimeSpan.Zero),
        new("load-label-replace", "label_replace(node_load5, \"host\", \"$1\", \"instance\", \"([^:]+):.*\")", TimeSpan.Zero, TimeSpan.Zero),
        new("mem-used", "node_memory_MemTotal_bytes - node_memory_MemAvailable_bytes", Hour, Step60),
        new("fs-used-ratio", "1 - node_filesystem_avail_bytes{fstype!~\"tmpfs|vfat\"} / node_filesystem_size_bytes{fstype!~\"tmpfs|vfat\"}", TimeSpan.Zero, TimeSpan.Zero),
        new("fs-full-in-4h", "predict_linear(node_filesystem_free_bytes{mountpoint=\"/\"}[1h], 4 * 3600) < bool 0", TimeSpan.Zero, TimeSpan.Zero),
        new("intr-max-rate-subquery", "max_over_time(rate(node_intr_total[1m])[30m:1m])", TimeSpan.Zero, TimeSpan.Zero),
        new("absent-instance", "absent(node_load1{instance=\"node-999:9100\"})", TimeSpan.Zero, TimeSpan.Zero),
        new("cpus-per-instance", "count by (instance) (node_cpu_seconds_total{mode=\"idle\"})", TimeSpan.Zero, TimeSpan.Zero),
        new("load-per-cpu", "node_load1 / on (instance) group_left count by (instance) (node_cpu_seconds_total{mode=\"idle\"})", Hour, Step60),
        new("temp-max-by-instance", "max by (instance) (node_hwmon_temp_celsius)", Hour, Step60),
        new("mem-free-deriv", "deriv(node_memory_MemFree_bytes[15m])", TimeSpan.Zero, TimeSpan.Zero),
    ];

    /// <summary>The query evaluation time (and a range query's end) for a dataset whose last scrape slot is <paramref name="datasetEnd"/>.</summary>
    public static long EvaluationTimeMs(DateTimeOffset datasetEnd) =>
        datasetEnd.ToUnixTimeMilliseconds() + (long)EvaluationOffset.TotalMilliseconds;
}
