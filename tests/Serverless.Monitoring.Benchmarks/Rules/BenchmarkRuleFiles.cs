using System.Globalization;
using System.Text;

namespace Serverless.Monitoring.Benchmarks.Rules;

/// <summary>
/// The rule files of <c>rules-compare</c>: groups of 50 rules each (30 recording, 20 alerting) in the
/// style of the node-exporter mixin and Grafana's alerting panels, over the node_exporter-like
/// dataset's metrics (CPU, memory, disk, network, filesystem, the request latency histogram, the GC
/// summary, hwmon temperatures). Groups differ in the quantile, handler, CPU mode, mount point and
/// thresholds they use, so no two rules are the same query. Rules read the recorded series of the
/// rules before them in their group, as mixins do.
/// </summary>
/// <remarks>
/// The dataset lies in the past and rules evaluate at now, so every selector of the dataset's
/// series carries the same <c>offset</c> (Prometheus 2.42 has no <c>query_offset</c>): the rules
/// read the data as it was <see cref="Offset"/> ago. Recorded series are written at now and read
/// without offset.
/// </remarks>
internal sealed class BenchmarkRuleFiles(TimeSpan offset, TimeSpan interval)
{
    public const int RulesPerGroup = 50;

    private static readonly string[] Handlers = ["/", "/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/metrics", "/-/healthy"];
    private static readonly string[] Quantiles = ["0.5", "0.9", "0.95", "0.99"];
    private static readonly string[] Modes = ["user", "system", "iowait", "softirq", "idle", "steal", "nice", "irq"];
    private static readonly string[] Mounts = ["/", "/data", "/var/lib/docker"];

    public TimeSpan Offset { get; } = offset;

    public TimeSpan Interval { get; } = interval;

    /// <summary>The group's name; its file is <c>group-NN.yml</c>.</summary>
    public static string GroupName(int group) => string.Create(CultureInfo.InvariantCulture, $"bench-{group:D2}");

    public static string FileName(int group) => string.Create(CultureInfo.InvariantCulture, $"group-{group:D2}.yml");

    /// <summary>Writes <paramref name="groups"/> files (one group each) into <paramref name="directory"/>; returns their paths.</summary>
    public IReadOnlyList<string> Write(string directory, int groups)
    {
        Directory.CreateDirectory(directory);
        var paths = new List<string>();
        for (var g = 0; g < groups; g++)
        {
            var path = Path.Combine(directory, FileName(g));
            File.WriteAllText(path, Group(g));
            paths.Add(path);
        }

        return paths;
    }

    /// <summary>The prefix of the series group <paramref name="g"/> records (<c>g07:</c>).</summary>
    public static string RecordPrefix(int g) => string.Create(CultureInfo.InvariantCulture, $"g{g:D2}:");

    /// <summary>One group's YAML.</summary>
    public string Group(int g)
    {
        var inv = CultureInfo.InvariantCulture;
        var yaml = new StringBuilder();
        yaml.Append(inv, $"groups:\n  - name: {GroupName(g)}\n    interval: {(long)Interval.TotalSeconds}s\n    rules:\n");
        foreach (var rule in Rules(g))
        {
            if (!rule.Alerting)
            {
                yaml.Append(inv, $"      - record: {rule.Name}\n        expr: '{rule.Expr}'\n");
                continue;
            }

            yaml.Append(inv, $"      - alert: {rule.Name}\n        expr: '{rule.Expr}'\n        for: {rule.For}\n");
            yaml.Append(inv, $"        labels:\n          severity: {(g % 3 == 0 ? "critical" : "warning")}\n          team: team-{g % 4}\n          group: {GroupName(g)}\n");
            yaml.Append(inv, $"        annotations:\n          summary: '{rule.Summary.Replace("'", "''", StringComparison.Ordinal)}'\n");
        }

        return yaml.ToString();
    }

    /// <summary>Group <paramref name="g"/>'s rules in file order: 30 recording, then 20 alerting.</summary>
    public IReadOnlyList<BenchmarkRule> Rules(int g)
    {
        var inv = CultureInfo.InvariantCulture;
        var o = "offset " + ((long)Offset.TotalSeconds).ToString(inv) + "s";
        var p = RecordPrefix(g);
        var q = Quantiles[g % Quantiles.Length];
        var qn = q[2..];
        var h = Handlers[g % Handlers.Length];
        var mode = Modes[g % Modes.Length];
        var mount = Mounts[g % Mounts.Length];
        string T(double baseValue, double step) => (baseValue + (step * (g % 5))).ToString("0.#####", inv);

        var recording = new (string Record, string Expr)[]
        {
            ($"{p}instance:node_num_cpu:sum", $"count without (cpu, mode) (node_cpu_seconds_total{{mode=\"idle\"}} {o})"),
            ($"{p}instance:node_cpu_utilisation:rate5m", $"1 - avg without (cpu) (sum without (mode) (rate(node_cpu_seconds_total{{mode=~\"idle|iowait|steal\"}}[5m] {o})))"),
            ($"{p}job_mode:node_cpu_seconds:rate5m", $"sum by (job, mode) (rate(node_cpu_seconds_total[5m] {o}))"),
            ($"{p}instance:node_load1_per_cpu:ratio", $"node_load1 {o} / on (instance) {p}instance:node_num_cpu:sum"),
            ($"{p}instance:node_memory_utilisation:ratio", $"1 - (node_memory_MemAvailable_bytes {o} / node_memory_MemTotal_bytes {o})"),
            ($"{p}instance:node_vmstat_pgmajfault:rate5m", $"rate(node_vmstat_pgmajfault[5m] {o})"),
            ($"{p}instance_device:node_disk_io_time_seconds:rate5m", $"rate(node_disk_io_time_seconds_total{{device=~\"nvme.+|sd.+\"}}[5m] {o})"),
            ($"{p}instance:node_disk_io_time_seconds:sum_rate5m", $"sum by (instance) ({p}instance_device:node_disk_io_time_seconds:rate5m)"),
            ($"{p}instance:node_network_receive_bytes_excluding_lo:rate5m", $"sum without (device) (rate(node_network_receive_bytes_total{{device!=\"lo\"}}[5m] {o}))"),
            ($"{p}instance:node_network_transmit_bytes_excluding_lo:rate5m", $"sum without (device) (rate(node_network_transmit_bytes_total{{device!=\"lo\"}}[5m] {o}))"),
            ($"{p}instance:node_network_receive_drop_excluding_lo:rate5m", $"sum without (device) (rate(node_network_receive_drop_total{{device!=\"lo\"}}[5m] {o}))"),
            ($"{p}job:http_request_duration_seconds:p{qn}", $"histogram_quantile({q}, sum by (job, le) (rate(http_request_duration_seconds_bucket[5m] {o})))"),
            ($"{p}handler:http_request_duration_seconds:p{qn}", $"histogram_quantile({q}, sum by (handler, le) (rate(http_request_duration_seconds_bucket[5m] {o})))"),
            ($"{p}instance_handler:http_request_duration_seconds:p{qn}", $"histogram_quantile({q}, sum by (instance, handler, le) (rate(http_request_duration_seconds_bucket{{handler=\"{h}\"}}[5m] {o})))"),
            ($"{p}handler_method:http_requests:rate5m", $"sum by (handler, method) (rate(http_request_duration_seconds_count[5m] {o}))"),
            ($"{p}handler:http_request_duration_seconds:mean5m", $"sum by (handler) (rate(http_request_duration_seconds_sum[5m] {o})) / sum by (handler) (rate(http_request_duration_seconds_count[5m] {o}))"),
            ($"{p}job:http_requests_get:ratio_rate5m", $"sum(rate(http_request_duration_seconds_count{{method=\"GET\"}}[5m] {o})) / sum(rate(http_request_duration_seconds_count[5m] {o}))"),
            ($"{p}instance:node_load1:avg_over_time15m", $"avg_over_time(node_load1[15m] {o})"),
            ($"{p}instance:node_load5:max_over_time1h", $"max_over_time(node_load5[1h] {o})"),
            ($"{p}instance:node_memory_MemFree_bytes:avg_over_time30m", $"avg_over_time(node_memory_MemFree_bytes[30m] {o})"),
            ($"{p}instance:node_hwmon_temp_celsius:max", $"max by (instance) (node_hwmon_temp_celsius {o})"),
            ($"{p}instance:node_hwmon_temp_celsius:avg_over_time10m", $"avg by (instance) (avg_over_time(node_hwmon_temp_celsius[10m] {o}))"),
            ($"{p}instance:node_filesystem_usage:ratio", $"1 - node_filesystem_avail_bytes{{fstype!~\"tmpfs|vfat\"}} {o} / node_filesystem_size_bytes{{fstype!~\"tmpfs|vfat\"}} {o}"),
            ($"{p}instance:node_context_switches:rate5m", $"rate(node_context_switches_total[5m] {o})"),
            ($"{p}instance:node_intr:rate5m", $"rate(node_intr_total[5m] {o})"),
            ($"{p}instance:node_forks:increase1h", $"increase(node_forks_total[1h] {o})"),
            ($"{p}job:go_gc_duration_seconds:p50_max", $"max by (job) (go_gc_duration_seconds{{quantile=\"0.5\"}} {o})"),
            ($"{p}instance_mode:node_cpu_seconds:irate5m", $"sum by (instance, mode) (irate(node_cpu_seconds_total{{mode=\"{mode}\"}}[5m] {o}))"),
            ($"{p}job:node_disk_written_bytes:top5_rate5m", $"topk(5, sum by (instance) (rate(node_disk_written_bytes_total[5m] {o})))"),
            ($"{p}instance:node_filesystem_avail_bytes:predict4h", $"predict_linear(node_filesystem_avail_bytes{{mountpoint=\"{mount}\"}}[1h] {o}, 4 * 3600)"),
        };

        var alerting = new (string Alert, string Expr, string For, string Summary)[]
        {
            ("HostHighCpuUtilisation", $"{p}instance:node_cpu_utilisation:rate5m > {T(0.1, 0.05)}", "5m", "CPU utilisation of {{ $labels.instance }} is {{ $value | humanizePercentage }}"),
            ("HostHighLoadPerCpu", $"{p}instance:node_load1_per_cpu:ratio > {T(0.2, 0.05)}", "10m", "Load per CPU of {{ $labels.instance }} is {{ $value | humanize }}"),
            ("HostMemoryPressure", $"{p}instance:node_memory_utilisation:ratio > {T(0.4, 0.05)}", "2m", "Memory of {{ $labels.instance }} is {{ $value | humanizePercentage }} used"),
            ("HostDiskBusy", $"{p}instance_device:node_disk_io_time_seconds:rate5m > {T(0.05, 0.02)}", "5m", "Disk {{ $labels.device }} of {{ $labels.instance }} is busy {{ $value | humanizePercentage }} of the time"),
            ("HostNetworkReceiveErrors", $"rate(node_network_receive_errs_total[2m] {o}) / rate(node_network_receive_packets_total[2m] {o}) > {T(0.00001, 0.00001)}", "2m", "{{ $labels.device }} of {{ $labels.instance }} has receive errors"),
            ("HostNetworkDrops", $"{p}instance:node_network_receive_drop_excluding_lo:rate5m > {T(0, 0.01)}", "1m", "{{ $labels.instance }} drops {{ $value | humanize }} packets/s"),
            ($"JobHighLatencyP{qn}", $"{p}job:http_request_duration_seconds:p{qn} > {T(0.05, 0.05)}", "10m", "p" + qn + " latency of {{ $labels.job }} is {{ $value | humanizeDuration }}"),
            ("HandlerHighLatency", $"{p}handler:http_request_duration_seconds:p{qn} > {T(0.1, 0.1)}", "5m", "{{ $labels.handler }} is slow: {{ $value | humanizeDuration }}"),
            ("HandlerSlowOnInstance", $"histogram_quantile(0.99, sum by (instance, le) (rate(http_request_duration_seconds_bucket{{handler=\"{h}\"}}[5m] {o}))) > {T(0.25, 0.25)}", "15m", "{{ $labels.instance }} serves " + h + " slowly: {{ $value | humanizeDuration }}"),
            ("HandlerHighTraffic", $"{p}handler_method:http_requests:rate5m > {T(5, 5)}", "5m", "{{ $labels.method }} {{ $labels.handler }} at {{ $value | humanize }} requests/s"),
            ("HostHighLoadAverage", $"avg_over_time(node_load1[15m] {o}) > {T(1.5, 0.25)}", "5m", "15m load of {{ $labels.instance }} is {{ $value | humanize }}"),
            ("HostLoadSpike", $"max_over_time(node_load1[5m] {o}) > {T(3, 0.2)}", "1m", "{{ $labels.instance }} load spiked to {{ $value | humanize }}"),
            ("HostDiskWillFillIn4Hours", $"predict_linear(node_filesystem_avail_bytes{{fstype!~\"tmpfs|vfat\"}}[1h] {o}, 4 * 3600) < 0 and on (instance, device, mountpoint) node_filesystem_avail_bytes {o} / node_filesystem_size_bytes {o} < {T(0.4, 0.1)}", "30m", "{{ $labels.mountpoint }} of {{ $labels.instance }} fills up within 4 h"),
            ("HostFilesystemAlmostFull", $"{p}instance:node_filesystem_usage:ratio > {T(0.6, 0.05)}", "5m", "{{ $labels.mountpoint }} of {{ $labels.instance }} is {{ $value | humanizePercentage }} full"),
            ("HostContextSwitching", $"{p}instance:node_context_switches:rate5m / on (instance) {p}instance:node_num_cpu:sum > {T(1000, 500)}", "5m", "{{ $labels.instance }} switches context {{ $value | humanize }} times/s per CPU"),
            ("HostHighTemperature", $"{p}instance:node_hwmon_temp_celsius:max > {T(70, 5)}", "5m", "{{ $labels.instance }} is at {{ $value }} °C"),
            ("HostSwapInUse", $"(1 - node_memory_SwapFree_bytes {o} / node_memory_SwapTotal_bytes {o}) * 100 > {T(5, 2)}", "5m", "{{ $labels.instance }} uses {{ $value | printf \"%.1f\" }}% of its swap"),
            ("HostClockSkew", $"abs(node_time_seconds {o} - timestamp(node_time_seconds {o})) > {T(0.001, 0.001)}", "10m", "{{ $labels.instance }}'s clock is off by {{ $value | humanizeDuration }}"),
            ("GcPauseHigh", $"{p}job:go_gc_duration_seconds:p50_max > {T(0.001, 0.001)}", "5m", "median GC pause of {{ $labels.job }} is {{ $value | humanizeDuration }}"),
            ("HostCpuModeBusy", $"{p}instance_mode:node_cpu_seconds:irate5m > {T(0.05, 0.05)}", "3m", "{{ $labels.instance }} spends {{ $value | humanize }} CPU-seconds/s in {{ $labels.mode }}"),
        };

        return
        [
            .. recording.Select(r => new BenchmarkRule(r.Record, false, r.Expr)),
            .. alerting.Select(a => new BenchmarkRule(a.Alert, true, a.Expr, a.For, a.Summary)),
        ];
    }
}
