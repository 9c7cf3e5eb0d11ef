namespace Serverless.Monitoring.Tests.Api;

/// <summary>
/// The PromQL expressions the comparison runs against both servers. Evaluation times sit at
/// .345 s (see <see cref="PrometheusComparisonTests"/>) while samples sit within 5 ms of a 15 s
/// grid, so no sample falls on a range or lookback boundary, where Prometheus 3 (left-open
/// ranges, which our engine implements) and 2.42 (closed ranges) differ by design. Left out for
/// the same reason: <c>atan2</c> between vectors (2.42 keeps the metric name, 3.x drops it) and
/// the <c>limit</c> parameter (2.42 ignores it).
/// </summary>
public static class ComparisonQueries
{
    /// <summary>An expression; <paramref name="Ordered"/> when its result order is defined (sort, sort_desc).</summary>
    public sealed record Query(string Expr, bool Ordered = false);

    public static readonly IReadOnlyList<Query> All =
    [
        // Selectors, offset and @.
        new("node_load1"),
        new("node_cpu_seconds_total{mode=\"idle\"}"),
        new("node_cpu_seconds_total{mode=~\"user|system\",cpu!=\"0\"}"),
        new("{__name__=~\"node_load.*\"}"),
        new("node_network_receive_bytes_total{device!~\"lo|docker0\"}"),
        new("http_request_duration_seconds_bucket{handler=\"/metrics\",method=\"GET\"}"),
        new("node_filesystem_avail_bytes{mountpoint=\"/\"}"),
        new("go_gc_duration_seconds"),
        new("go_gc_duration_seconds{quantile=\"0.5\"}"),
        new("nonexistent_metric"),
        new("node_load1 offset 10m"),
        new("node_load1 offset 1h"),
        new("node_memory_MemFree_bytes offset -5m"),
        new("node_load1 @ 1704066600.345"),
        new("sum(node_load1 @ end())"),
        new("node_load1[2m]"),
        new("node_network_up[1m]"),
        new("node_boot_time_seconds"),

        // Counters.
        new("rate(node_network_receive_bytes_total[5m])"),
        new("irate(node_cpu_seconds_total{mode=\"user\"}[5m])"),
        new("increase(node_context_switches_total[10m])"),
        new("rate(node_cpu_seconds_total[1m])"),
        new("rate(node_network_receive_bytes_total[5m] @ 1704066000.345)"),
        new("increase(node_cpu_seconds_total{cpu=\"1\"}[10m] offset 5m)"),
        new("resets(node_cpu_seconds_total{mode=\"idle\"}[30m])"),
        new("rate(node_vmstat_pgfault[5m])"),
        new("increase(node_network_receive_errs_total[30m])"),

        // Aggregations.
        new("sum by (instance) (rate(node_cpu_seconds_total{mode!=\"idle\"}[5m]))"),
        new("sum without (cpu) (rate(node_cpu_seconds_total[5m]))"),
        new("avg by (mode) (irate(node_cpu_seconds_total[2m]))"),
        new("max by (instance) (node_load5)"),
        new("min by (device) (node_filesystem_avail_bytes)"),
        new("count by (instance) (node_cpu_seconds_total)"),
        new("count(node_cpu_seconds_total) by (mode)"),
        new("stddev by (job) (node_load1)"),
        new("stdvar(node_load15)"),
        new("group by (job) (node_load1)"),
        new("quantile by (instance) (0.9, rate(node_network_transmit_bytes_total[5m]))"),
        new("quantile(0.25, node_hwmon_temp_celsius)"),
        new("topk(3, node_load1)"),
        new("bottomk(2, rate(node_disk_read_bytes_total[5m]))"),
        new("topk by (instance) (2, rate(node_network_receive_packets_total[5m]))"),
        new("count_values(\"value\", node_network_up)"),
        new("count_values by (instance) (\"mtu\", node_network_mtu_bytes)"),
        new("sum(node_memory_MemTotal_bytes)"),
        new("avg(node_load1)"),
        new("sum(rate(node_network_transmit_bytes_total[5m])) by (device)"),
        new("sum by (handler) (increase(http_request_duration_seconds_count[10m]))"),
        new("max(max_over_time(node_load1[1h]))"),
        new("count(count by (device) (node_network_up))"),

        // Histograms and summaries.
        new("histogram_quantile(0.9, rate(http_request_duration_seconds_bucket[5m]))"),
        new("histogram_quantile(0.5, sum by (le) (rate(http_request_duration_seconds_bucket[5m])))"),
        new("histogram_quantile(0.99, sum by (le, handler) (rate(http_request_duration_seconds_bucket{method=\"GET\"}[10m])))"),
        new("rate(http_request_duration_seconds_sum[5m]) / rate(http_request_duration_seconds_count[5m])"),
        new("go_gc_duration_seconds_sum / go_gc_duration_seconds_count"),

        // Functions over time.
        new("avg_over_time(node_load1[10m])"),
        new("max_over_time(node_memory_MemFree_bytes[15m])"),
        new("min_over_time(node_load5[5m])"),
        new("sum_over_time(node_procs_running[5m])"),
        new("count_over_time(node_load1[5m])"),
        new("quantile_over_time(0.75, node_load1[10m])"),
        new("stddev_over_time(node_load15[10m])"),
        new("stdvar_over_time(node_entropy_available_bits[10m])"),
        new("last_over_time(node_load1[5m])"),
        new("present_over_time(node_load1[5m])"),
        new("absent_over_time(nonexistent_metric[5m])"),
        new("changes(node_procs_running[10m])"),
        new("deriv(node_memory_MemFree_bytes[10m])"),
        new("predict_linear(node_filesystem_free_bytes[15m], 3600)"),
        new("delta(node_load1[5m])"),
        new("idelta(node_hwmon_temp_celsius[2m])"),

        // Binary operators and vector matching.
        new("node_memory_MemFree_bytes / node_memory_MemTotal_bytes * 100"),
        new("node_filesystem_avail_bytes / node_filesystem_size_bytes"),
        new("node_filesystem_files_free / node_filesystem_files"),
        new("node_load1 > 1"),
        new("node_load1 > bool 1"),
        new("node_load1 < bool 0.5"),
        new("node_load1 == bool node_load5"),
        new("rate(node_cpu_seconds_total[5m]) / on(instance) group_left sum by (instance) (rate(node_cpu_seconds_total[5m]))"),
        new("node_network_receive_bytes_total / ignoring(device) group_left node_load1"),
        new("node_load1 + on(instance) node_load5"),
        new("node_load1 and node_load5 > 1"),
        new("node_load1 or node_load5"),
        new("node_network_up unless node_network_up{device=\"lo\"}"),
        new("2 * node_load1 - 1"),
        new("node_load1 ^ 2"),
        new("node_load1 % 0.3"),
        new("-node_load1"),
        new("time() - node_boot_time_seconds"),

        // Other functions.
        new("abs(deriv(node_load1[5m]))"),
        new("ceil(node_load1)"),
        new("floor(node_load5)"),
        new("round(node_load1, 0.1)"),
        new("clamp(node_load1, 0.5, 1.5)"),
        new("clamp_min(node_load1, 1)"),
        new("clamp_max(node_load1, 1)"),
        new("exp(node_load1)"),
        new("ln(node_load5)"),
        new("log2(node_load15)"),
        new("log10(node_memory_MemTotal_bytes)"),
        new("sqrt(node_load1)"),
        new("sgn(delta(node_load1[5m]))"),
        new("label_replace(node_load1, \"host\", \"$1\", \"instance\", \"(.*):.*\")"),
        new("label_join(node_load1, \"combo\", \"-\", \"instance\", \"job\")"),
        new("absent(nonexistent_metric{job=\"x\"})"),
        new("absent(node_load1)"),
        new("sort(node_load1)", Ordered: true),
        new("sort_desc(rate(node_network_receive_bytes_total[5m]))", Ordered: true),
        new("scalar(sum(node_load1))"),
        new("scalar(node_load1)"),
        new("vector(1)"),
        new("time()"),
        new("timestamp(node_load1)"),
        new("hour(timestamp(node_load1))"),
        new("minute()"),
        new("day_of_week()"),
        new("day_of_month(timestamp(node_load1))"),
        new("days_in_month()"),
        new("month()"),
        new("year()"),

        // Subqueries.
        new("max_over_time(rate(node_network_receive_bytes_total[5m])[30m:1m])"),
        new("avg_over_time(node_load1[10m:30s])"),
        new("rate(node_context_switches_total[5m:1m])"),
        new("min_over_time(sum by (instance) (node_load1)[15m:])"),

        // Scalars and strings.
        new("1 + 1"),
        new("2 ^ 10"),
        new("scalar(vector(3)) * 2"),
        new("\"hello\""),

        // Errors.
        new("sum("),
        new("rate(node_load1)"),
        new("node_load1 +"),
    ];
}
