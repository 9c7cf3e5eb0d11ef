namespace Serverless.Monitoring.Tests.Dataset;

/// <summary>
/// The families of a node_exporter-like target, in output order: CPU, memory, load, network,
/// disk and filesystem readings, kernel counters, a request latency histogram, a GC summary,
/// and a filler gauge family (hwmon temperatures) that takes whatever of the series budget is
/// left. When the budget is smaller than the fixed families, later families are cut (a
/// histogram or summary only ever whole).
/// </summary>
internal static class DatasetCatalog
{
    private static readonly double[] LatencyBuckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    public static IReadOnlyList<DatasetFamily> Build(int seriesPerInstance)
    {
        var budget = seriesPerInstance;
        var families = new List<DatasetFamily>();
        foreach (var family in FixedFamilies())
        {
            var kept = new List<DatasetMetric>();
            foreach (var metric in family.Metrics)
            {
                if (metric.Series.Count <= budget)
                {
                    kept.Add(metric);
                    budget -= metric.Series.Count;
                }
            }

            if (kept.Count > 0)
            {
                families.Add(family with { Metrics = kept });
            }
        }

        if (budget > 0)
        {
            var sensors = Enumerable.Range(0, budget)
                .Select(i => Single("node_hwmon_temp_celsius", $"chip=\"platform_coretemp_{i / 16}\",sensor=\"temp{(i % 16) + 1}\"", new GaugeGenerator(GaugeScale.Absolute, 35, 70, 0.01, 1, 20, 105)))
                .ToList();
            families.Add(new DatasetFamily("node_hwmon_temp_celsius", "gauge", "Hardware monitor for temperature (input)", "celsius", sensors));
        }

        return families;
    }

    private static IEnumerable<DatasetFamily> FixedFamilies()
    {
        string[] modes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
        (double Min, double Max)[] modeShare = [(0.55, 0.95), (0.001, 0.03), (0, 0.002), (0, 0.003), (0.002, 0.02), (0, 0.01), (0.01, 0.08), (0.03, 0.3)];
        var cpu = new List<DatasetMetric>();
        for (var c = 0; c < 8; c++)
        {
            for (var m = 0; m < modes.Length; m++)
            {
                cpu.Add(Single("node_cpu_seconds_total", $"cpu=\"{c}\",mode=\"{modes[m]}\"", new CounterGenerator(modeShare[m].Min, modeShare[m].Max, 0.3, 2)));
            }
        }

        yield return new DatasetFamily("node_cpu_seconds", "counter", "Seconds the CPUs spent in each mode.", "seconds", cpu);

        (string Field, double Min, double Max, double Volatility)[] memory =
        [
            ("MemTotal", 1, 1, 0), ("MemFree", 0.05, 0.4, 0.003), ("MemAvailable", 0.3, 0.8, 0.002), ("Buffers", 0.005, 0.03, 0.001),
            ("Cached", 0.1, 0.5, 0.001), ("SwapTotal", 0.125, 0.125, 0), ("SwapFree", 0.1, 0.125, 0.0002), ("Active", 0.2, 0.5, 0.002),
            ("Inactive", 0.1, 0.3, 0.002), ("Dirty", 0.00001, 0.0005, 0.1),
        ];
        foreach (var (field, min, max, volatility) in memory)
        {
            var name = $"node_memory_{field}_bytes";
            yield return new DatasetFamily(name, "gauge", $"Memory information field {field}_bytes.", "bytes",
                [Single(name, string.Empty, new GaugeGenerator(GaugeScale.MemoryTotal, min, max, volatility, 4096))]);
        }

        foreach (var (name, help) in new[] { ("node_load1", "1m load average."), ("node_load5", "5m load average."), ("node_load15", "15m load average.") })
        {
            yield return new DatasetFamily(name, "gauge", help, null, [Single(name, string.Empty, new GaugeGenerator(GaugeScale.Absolute, 0.1, 4, 0.08, 0.01))]);
        }

        string[] devices = ["docker0", "eth0", "eth1", "lo"];
        (string Name, string Help, MetricGenerator Generator)[] network =
        [
            ("receive_bytes", "Network device statistic receive_bytes.", new CounterGenerator(1e3, 5e6, 0.5, 0)),
            ("transmit_bytes", "Network device statistic transmit_bytes.", new CounterGenerator(1e3, 2e6, 0.5, 0)),
            ("receive_packets", "Network device statistic receive_packets.", new CounterGenerator(5, 4000, 0.4, 0)),
            ("transmit_packets", "Network device statistic transmit_packets.", new CounterGenerator(5, 3000, 0.4, 0)),
            ("receive_errs", "Network device statistic receive_errs.", new SparseCounterGenerator(0.01, 3)),
            ("transmit_errs", "Network device statistic transmit_errs.", new SparseCounterGenerator(0.005, 2)),
            ("receive_drop", "Network device statistic receive_drop.", new SparseCounterGenerator(0.05, 10)),
        ];
        foreach (var (name, help, generator) in network)
        {
            var family = $"node_network_{name}";
            yield return new DatasetFamily(family, "counter", help, name.EndsWith("bytes", StringComparison.Ordinal) ? "bytes" : null,
                devices.Select(d => Single(family + "_total", $"device=\"{d}\"", generator)).ToList());
        }

        string[] disks = ["nvme0n1", "sda", "sdb"];
        (string Name, string Help, string? Unit, MetricGenerator Generator)[] disk =
        [
            ("node_disk_read_bytes", "The total number of bytes read successfully.", "bytes", new CounterGenerator(0, 2e6, 1.0, 0)),
            ("node_disk_written_bytes", "The total number of bytes written successfully.", "bytes", new CounterGenerator(1e3, 5e6, 1.0, 0)),
            ("node_disk_reads_completed", "The total number of reads completed successfully.", null, new CounterGenerator(0, 200, 1.0, 0)),
            ("node_disk_writes_completed", "The total number of writes completed successfully.", null, new CounterGenerator(1, 400, 1.0, 0)),
            ("node_disk_io_time_seconds", "Total seconds spent doing I/Os.", "seconds", new CounterGenerator(0.001, 0.2, 0.8, 3)),
        ];
        foreach (var (name, help, unit, generator) in disk)
        {
            yield return new DatasetFamily(name, "counter", help, unit, disks.Select(d => Single(name + "_total", $"device=\"{d}\"", generator)).ToList());
        }

        (string Device, string FsType, string Mount)[] mounts =
        [
            ("/dev/nvme0n1p2", "ext4", "/"), ("/dev/nvme0n1p1", "vfat", "/boot/efi"), ("/dev/sda1", "xfs", "/var/lib/docker"),
            ("/dev/sdb1", "ext4", "/data"), ("tmpfs", "tmpfs", "/run"),
        ];
        (string Name, string Help, GaugeGenerator Generator)[] filesystem =
        [
            ("node_filesystem_avail_bytes", "Filesystem space available to non-root users in bytes.", new GaugeGenerator(GaugeScale.FilesystemSize, 0.1, 0.8, 0.002, 4096)),
            ("node_filesystem_free_bytes", "Filesystem free space in bytes.", new GaugeGenerator(GaugeScale.FilesystemSize, 0.15, 0.85, 0.002, 4096)),
            ("node_filesystem_size_bytes", "Filesystem size in bytes.", new GaugeGenerator(GaugeScale.FilesystemSize, 0.05, 1, 0, 4096)),
            ("node_filesystem_files", "Filesystem total file nodes.", new GaugeGenerator(GaugeScale.Absolute, 1e5, 1e8, 0, 1)),
            ("node_filesystem_files_free", "Filesystem total free file nodes.", new GaugeGenerator(GaugeScale.Absolute, 1e5, 9e7, 0.0005, 1)),
        ];
        foreach (var (name, help, generator) in filesystem)
        {
            yield return new DatasetFamily(name, "gauge", help, name.EndsWith("bytes", StringComparison.Ordinal) ? "bytes" : null,
                mounts.Select(m => Single(name, $"device=\"{m.Device}\",fstype=\"{m.FsType}\",mountpoint=\"{m.Mount}\"", generator)).ToList());
        }

        yield return new DatasetFamily("node_context_switches", "counter", "Total number of context switches.", null,
            [Single("node_context_switches_total", string.Empty, new CounterGenerator(500, 50_000, 0.3, 0))]);
        yield return new DatasetFamily("node_intr", "counter", "Total number of interrupts serviced.", null,
            [Single("node_intr_total", string.Empty, new CounterGenerator(300, 30_000, 0.3, 0))]);
        yield return new DatasetFamily("node_forks", "counter", "Total number of forks.", null,
            [Single("node_forks_total", string.Empty, new CounterGenerator(0.5, 50, 0.6, 0))]);

        yield return new DatasetFamily("node_procs_running", "gauge", "Number of processes in runnable state.", null,
            [Single("node_procs_running", string.Empty, new GaugeGenerator(GaugeScale.Absolute, 1, 6, 0.3, 1, 1))]);
        yield return new DatasetFamily("node_procs_blocked", "gauge", "Number of processes blocked waiting for I/O to complete.", null,
            [Single("node_procs_blocked", string.Empty, new GaugeGenerator(GaugeScale.Absolute, 0, 1, 0.8, 1))]);
        yield return new DatasetFamily("node_boot_time_seconds", "gauge", "Node boot time, in unixtime.", "seconds",
            [Single("node_boot_time_seconds", string.Empty, new BootTimeGenerator())]);
        yield return new DatasetFamily("node_time_seconds", "gauge", "System time in seconds since epoch (1970).", "seconds",
            [Single("node_time_seconds", string.Empty, new ClockGenerator())]);
        yield return new DatasetFamily("node_entropy_available_bits", "gauge", "Bits of available entropy.", null,
            [Single("node_entropy_available_bits", string.Empty, new GaugeGenerator(GaugeScale.Absolute, 256, 3900, 0.05, 1, 0, 4096))]);
        yield return new DatasetFamily("node_filefd_allocated", "gauge", "File descriptor statistics: allocated.", null,
            [Single("node_filefd_allocated", string.Empty, new GaugeGenerator(GaugeScale.Absolute, 1000, 20_000, 0.01, 1))]);
        yield return new DatasetFamily("node_netstat_Tcp_CurrEstab", "gauge", "Statistic TcpCurrEstab.", null,
            [Single("node_netstat_Tcp_CurrEstab", string.Empty, new GaugeGenerator(GaugeScale.Absolute, 5, 500, 0.05, 1))]);

        // A classic histogram per handler and method, as an exporter's HTTP middleware exposes it.
        string[] handlers = ["/", "/api/v1/query", "/api/v1/query_range", "/api/v1/series", "/metrics", "/-/healthy"];
        var histograms = new List<DatasetMetric>();
        foreach (var handler in handlers)
        {
            foreach (var method in new[] { "GET", "POST" })
            {
                var labels = $"handler=\"{handler}\",method=\"{method}\"";
                var series = LatencyBuckets
                    .Select(b => ("http_request_duration_seconds_bucket", $"{labels},le=\"{OpenMetricsFloat(b)}\""))
                    .Append(("http_request_duration_seconds_bucket", $"{labels},le=\"+Inf\""))
                    .Append(("http_request_duration_seconds_count", labels))
                    .Append(("http_request_duration_seconds_sum", labels))
                    .ToList();
                var rate = method == "GET" ? (0.5, 40.0) : (0.01, 2.0);
                histograms.Add(new DatasetMetric(series, new HistogramGenerator(LatencyBuckets, rate.Item1, rate.Item2)));
            }
        }

        yield return new DatasetFamily("http_request_duration_seconds", "histogram", "A histogram of latencies for requests.", "seconds", histograms);

        string[] quantiles = ["0.0", "0.25", "0.5", "0.75", "1.0"];
        var gcSeries = quantiles.Select(q => ("go_gc_duration_seconds", $"quantile=\"{q}\""))
            .Append(("go_gc_duration_seconds_sum", string.Empty))
            .Append(("go_gc_duration_seconds_count", string.Empty))
            .ToList();
        yield return new DatasetFamily("go_gc_duration_seconds", "summary", "A summary of the pause duration of garbage collection cycles.", "seconds",
            [new DatasetMetric(gcSeries, new SummaryGenerator(quantiles.Length))]);

        string[] vmstat = ["pgfault", "pgmajfault", "pgpgin", "pgpgout", "pswpin", "pswpout"];
        foreach (var field in vmstat)
        {
            var name = $"node_vmstat_{field}";
            MetricGenerator generator = field.StartsWith("psw", StringComparison.Ordinal) ? new SparseCounterGenerator(0.02, 50) : new CounterGenerator(1, 20_000, 0.5, 0);
            yield return new DatasetFamily(name, "unknown", $"/proc/vmstat information field {field}.", null, [Single(name, string.Empty, generator)]);
        }

        yield return new DatasetFamily("node_network_up", "gauge", "Value is 1 if operstate is 'up', 0 otherwise.", null,
            devices.Select(d => Single("node_network_up", $"device=\"{d}\"", new GaugeGenerator(GaugeScale.Absolute, 1, 1, 0, 1))).ToList());
        yield return new DatasetFamily("node_network_mtu_bytes", "gauge", "Network device property: mtu_bytes", "bytes",
            devices.Select(d => Single("node_network_mtu_bytes", $"device=\"{d}\"", new GaugeGenerator(GaugeScale.Absolute, 1500, 1500, 0, 1))).ToList());
    }

    private static DatasetMetric Single(string name, string labels, MetricGenerator generator) => new([(name, labels)], generator);

    /// <summary>Bucket bounds as OpenMetrics writes them: <c>1.0</c>, <c>0.005</c>, <c>10.0</c>.</summary>
    private static string OpenMetricsFloat(double value)
    {
        var text = value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
        return text.Contains('.', StringComparison.Ordinal) || text.Contains('E', StringComparison.Ordinal) ? text : text + ".0";
    }
}
