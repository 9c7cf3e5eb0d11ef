using System.Globalization;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Storage.Blocks;

/// <summary>
/// A deterministic, node_exporter-like data set for block tests and benchmarks: per instance
/// about 400 series (CPU seconds per core and mode, memory, network, disk, filesystem, load,
/// Go runtime and process metrics, a classic histogram), scraped every 15 s from a
/// per-instance phase with a few ms of jitter per scrape. Counters grow by realistic steps at
/// the resolution node_exporter reports (0.01 s for CPU, whole bytes and packets), some instances
/// restart part way (their counters reset), gauges wander at their natural precision.
/// </summary>
internal static class NodeExporterData
{
    public sealed record Options
    {
        public int Instances { get; init; } = 4;

        public long StartMs { get; init; } = 1_700_000_000_000;

        public long DurationMs { get; init; } = 2 * 3600 * 1000;

        public int IntervalMs { get; init; } = 15_000;

        /// <summary>Each scrape's timestamp is off its schedule by up to this many ms either way.</summary>
        public int JitterMs { get; init; } = 2;

        public int Seed { get; init; } = 42;
    }

    private static readonly string[] CpuModes = ["idle", "iowait", "irq", "nice", "softirq", "steal", "system", "user"];
    private static readonly string[] NetDevices = ["docker0", "eth0", "eth1", "lo"];
    private static readonly string[] Disks = ["nvme0n1", "sda", "sdb"];
    private static readonly (string Device, string Mount, string Type)[] Filesystems =
    [
        ("/dev/nvme0n1p1", "/", "ext4"), ("/dev/nvme0n1p2", "/boot", "ext4"), ("/dev/sda1", "/data", "xfs"),
        ("/dev/sdb1", "/var/lib/docker", "xfs"), ("tmpfs", "/run", "tmpfs"), ("tmpfs", "/dev/shm", "tmpfs"),
    ];

    private static readonly double[] Buckets = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10];

    /// <summary>Series of all instances, instance after instance (generated lazily: one instance in memory at a time).</summary>
    public static IEnumerable<(LabelSet Labels, Sample[] Samples)> Generate(Options? options = null)
    {
        options ??= new Options();
        for (var i = 0; i < options.Instances; i++)
        {
            foreach (var s in Instance(options, i))
            {
                yield return s;
            }
        }
    }

    private static List<(LabelSet, Sample[])> Instance(Options o, int index)
    {
        // Not HashCode.Combine: it is randomized per process, and the data set must not be.
        var random = new Random(unchecked((o.Seed * 7919) + index));
        var instance = $"node-{index:D3}.example.internal:9100";
        var scrapes = (int)(o.DurationMs / o.IntervalMs);
        var phase = random.Next(o.IntervalMs);
        var times = new long[scrapes];
        for (var k = 0; k < scrapes; k++)
        {
            times[k] = o.StartMs + phase + ((long)k * o.IntervalMs) + (o.JitterMs == 0 ? 0 : random.Next(-o.JitterMs, o.JitterMs + 1));
        }

        // A third of the instances restart once, somewhere in the middle.
        var restartAt = index % 3 == 1 ? random.Next(scrapes / 4, (3 * scrapes / 4) + 1) : -1;
        var series = new List<(LabelSet, Sample[])>();

        void Add(string name, Func<int, double> value, params string[] labels)
        {
            var pairs = new List<string> { "__name__", name, "instance", instance, "job", "node" };
            pairs.AddRange(labels);
            var samples = new Sample[scrapes];
            for (var k = 0; k < scrapes; k++)
            {
                samples[k] = new Sample(times[k], value(k));
            }

            series.Add((LabelSet.FromStrings([.. pairs]), samples));
        }

        // A counter: steps drawn by "step", reset to 0 on restart, rounded to "decimals".
        Func<int, double> Counter(Func<double> step, int decimals, double start = -1)
        {
            var total = start >= 0 ? start : Math.Round(random.NextDouble() * 1e6, decimals);
            var values = new double[scrapes];
            for (var k = 0; k < scrapes; k++)
            {
                if (k == restartAt)
                {
                    total = 0;
                }

                total = Math.Round(total + Math.Max(0, step()), decimals);
                values[k] = total;
            }

            return k => values[k];
        }

        // A gauge wandering around "level" by "step", rounded to "decimals".
        Func<int, double> Gauge(double level, double step, int decimals, double min = 0)
        {
            var v = level;
            var values = new double[scrapes];
            for (var k = 0; k < scrapes; k++)
            {
                if (random.Next(3) == 0)
                {
                    v = Math.Max(min, v + ((random.NextDouble() - 0.5) * 2 * step));
                }

                values[k] = Math.Round(v, decimals);
            }

            return k => values[k];
        }

        Func<int, double> Constant(double v) => _ => v;

        double Poisson(double mean) => Math.Round(-Math.Log(1 - random.NextDouble()) * mean);

        for (var cpu = 0; cpu < 8; cpu++)
        {
            foreach (var mode in CpuModes)
            {
                var share = mode switch { "idle" => 0.8, "user" => 0.1, "system" => 0.05, "iowait" => 0.02, "steal" or "nice" => 0, _ => 0.005 };
                Add("node_cpu_seconds_total", Counter(() => share == 0 ? 0 : Math.Round(15 * share * (0.7 + (0.6 * random.NextDouble())), 2), 2),
                    "cpu", cpu.ToString(CultureInfo.InvariantCulture), "mode", mode);
            }

            Add("node_cpu_guest_seconds_total", Constant(0), "cpu", cpu.ToString(CultureInfo.InvariantCulture), "mode", "nice");
            Add("node_cpu_guest_seconds_total", Constant(0), "cpu", cpu.ToString(CultureInfo.InvariantCulture), "mode", "user");
            Add("node_cpu_scaling_frequency_hertz", Gauge(2.4e9, 4e8, 0, 8e8), "cpu", cpu.ToString(CultureInfo.InvariantCulture));
        }

        foreach (var m in new[] { "MemTotal", "MemFree", "MemAvailable", "Buffers", "Cached", "SwapCached", "Active", "Inactive", "Active_anon",
            "Inactive_anon", "Active_file", "Inactive_file", "Unevictable", "Mlocked", "SwapTotal", "SwapFree", "Dirty", "Writeback",
            "AnonPages", "Mapped", "Shmem", "KReclaimable", "Slab", "SReclaimable", "SUnreclaim", "KernelStack", "PageTables",
            "NFS_Unstable", "Bounce", "WritebackTmp", "CommitLimit", "Committed_AS", "VmallocTotal", "VmallocUsed", "VmallocChunk",
            "Percpu", "HardwareCorrupted", "AnonHugePages", "ShmemHugePages", "HugePages_Total" })
        {
            var constant = m is "MemTotal" or "SwapTotal" or "VmallocTotal" or "CommitLimit" or "HugePages_Total" or "HardwareCorrupted" or "Bounce" or "NFS_Unstable";
            var level = 4096.0 * random.Next(1_000, 4_000_000);
            Add($"node_memory_{m}_bytes", constant ? Constant(level) : Gauge(level, 4096.0 * random.Next(1, 2000), 0));
        }

        foreach (var dev in NetDevices)
        {
            var busy = dev == "eth0" ? 1.0 : dev == "lo" ? 0.2 : 0.01;
            Add("node_network_receive_bytes_total", Counter(() => Poisson(busy * 2e6), 0), "device", dev);
            Add("node_network_transmit_bytes_total", Counter(() => Poisson(busy * 8e5), 0), "device", dev);
            Add("node_network_receive_packets_total", Counter(() => Poisson(busy * 1500), 0), "device", dev);
            Add("node_network_transmit_packets_total", Counter(() => Poisson(busy * 900), 0), "device", dev);
            Add("node_network_receive_errs_total", Counter(() => random.Next(500) == 0 ? 1 : 0, 0), "device", dev);
            Add("node_network_transmit_errs_total", Constant(0), "device", dev);
            Add("node_network_receive_drop_total", Counter(() => random.Next(50) == 0 ? random.Next(1, 4) : 0, 0), "device", dev);
            Add("node_network_transmit_drop_total", Constant(0), "device", dev);
            Add("node_network_up", Constant(1), "device", dev);
            Add("node_network_mtu_bytes", Constant(dev == "lo" ? 65536 : 1500), "device", dev);
        }

        foreach (var disk in Disks)
        {
            var busy = disk == "nvme0n1" ? 1.0 : 0.1;
            Add("node_disk_reads_completed_total", Counter(() => Poisson(busy * 300), 0), "device", disk);
            Add("node_disk_writes_completed_total", Counter(() => Poisson(busy * 500), 0), "device", disk);
            Add("node_disk_read_bytes_total", Counter(() => 4096 * Poisson(busy * 3000), 0), "device", disk);
            Add("node_disk_written_bytes_total", Counter(() => 4096 * Poisson(busy * 5000), 0), "device", disk);
            Add("node_disk_io_time_seconds_total", Counter(() => Math.Round(busy * random.NextDouble() * 3, 3), 3), "device", disk);
            Add("node_disk_read_time_seconds_total", Counter(() => Math.Round(busy * random.NextDouble() * 1.5, 3), 3), "device", disk);
            Add("node_disk_write_time_seconds_total", Counter(() => Math.Round(busy * random.NextDouble() * 4, 3), 3), "device", disk);
            Add("node_disk_io_now", Gauge(1, 2, 0), "device", disk);
        }

        foreach (var (device, mount, type) in Filesystems)
        {
            var size = 4096.0 * random.Next(100_000, 100_000_000);
            var free = size * (0.2 + (0.6 * random.NextDouble()));
            string[] labels = ["device", device, "fstype", type, "mountpoint", mount];
            Add("node_filesystem_size_bytes", Constant(size), labels);
            Add("node_filesystem_free_bytes", Gauge(Math.Round(free / 4096) * 4096, 4096 * 50, 0), labels);
            Add("node_filesystem_avail_bytes", Gauge(Math.Round(free * 0.95 / 4096) * 4096, 4096 * 50, 0), labels);
            Add("node_filesystem_files", Constant(Math.Round(size / 16384)), labels);
            Add("node_filesystem_files_free", Gauge(Math.Round(size / 20000), 30, 0), labels);
            Add("node_filesystem_readonly", Constant(0), labels);
            Add("node_filesystem_device_error", Constant(0), labels);
        }

        Add("node_load1", Gauge(1.5, 0.3, 2), []);
        Add("node_load5", Gauge(1.4, 0.1, 2), []);
        Add("node_load15", Gauge(1.3, 0.05, 2), []);
        Add("node_time_seconds", k => Math.Round(times[k] / 1000.0 + (random.Next(0, 900) / 1e6), 6), []);
        Add("node_boot_time_seconds", Constant(1_699_000_000 + random.Next(1_000_000)), []);
        Add("node_context_switches_total", Counter(() => Poisson(60_000), 0), []);
        Add("node_intr_total", Counter(() => Poisson(40_000), 0), []);
        Add("node_forks_total", Counter(() => Poisson(120), 0), []);
        Add("node_procs_running", Gauge(3, 2, 0, 1), []);
        Add("node_procs_blocked", Gauge(0, 1, 0), []);
        Add("node_entropy_available_bits", Gauge(3500, 100, 0), []);
        Add("node_filefd_allocated", Gauge(5000, 50, 0), []);
        Add("node_filefd_maximum", Constant(9_223_372_036_854_775_807), []);
        Add("node_uname_info", Constant(1), "machine", "x86_64", "nodename", $"node-{index:D3}", "release", "6.1.0-18-amd64", "sysname", "Linux", "version", "#1 SMP PREEMPT_DYNAMIC Debian 6.1.76-1");
        Add("node_exporter_build_info", Constant(1), "branch", "HEAD", "goversion", "go1.19.8", "revision", "6e7d4d7", "version", "1.5.0");

        foreach (var stat in new[] { "Tcp_ActiveOpens", "Tcp_PassiveOpens", "Tcp_RetransSegs", "Tcp_InSegs", "Tcp_OutSegs", "Udp_InDatagrams",
            "Udp_OutDatagrams", "Udp_InErrors", "Udp_NoPorts", "TcpExt_ListenDrops", "TcpExt_ListenOverflows", "TcpExt_SyncookiesFailed",
            "TcpExt_SyncookiesRecv", "TcpExt_SyncookiesSent", "TcpExt_TCPSynRetrans", "TcpExt_TCPTimeouts", "Icmp_InMsgs", "Icmp_OutMsgs",
            "Icmp_InErrors", "Ip_Forwarding", "Ip6_InOctets", "Ip6_OutOctets", "IpExt_InOctets", "IpExt_OutOctets" })
        {
            var rate = stat.Contains("Octets", StringComparison.Ordinal) ? 1e6 : stat.Contains("Segs", StringComparison.Ordinal) ? 2000 : 3;
            Add($"node_netstat_{stat}", stat == "Ip_Forwarding" ? Constant(1) : Counter(() => Poisson(rate), 0), []);
        }

        foreach (var stat in new[] { "sockets_used", "TCP_inuse", "TCP_orphan", "TCP_tw", "TCP_alloc", "TCP_mem", "TCP_mem_bytes", "UDP_inuse", "UDP_mem", "UDP_mem_bytes", "FRAG_inuse", "RAW_inuse" })
        {
            Add($"node_sockstat_{stat}", Gauge(random.Next(0, 500), 10, 0), []);
        }

        foreach (var q in new[] { "0", "0.25", "0.5", "0.75", "1" })
        {
            Add("go_gc_duration_seconds", Gauge(3e-5 * (1 + double.Parse(q, CultureInfo.InvariantCulture)), 1e-5, 9), "quantile", q);
        }

        Add("go_gc_duration_seconds_sum", Counter(() => random.Next(3) == 0 ? Math.Round(random.NextDouble() * 1e-4, 9) : 0, 9), []);
        Add("go_gc_duration_seconds_count", Counter(() => random.Next(3) == 0 ? 1 : 0, 0), []);
        Add("go_goroutines", Gauge(8, 1, 0, 5), []);
        Add("go_threads", Gauge(7, 0.3, 0, 5), []);
        foreach (var m in new[] { "alloc_bytes", "heap_alloc_bytes", "heap_idle_bytes", "heap_inuse_bytes", "heap_released_bytes", "heap_sys_bytes", "stack_inuse_bytes", "sys_bytes", "next_gc_bytes" })
        {
            Add($"go_memstats_{m}", Gauge(random.Next(1_000_000, 20_000_000), 200_000, 0), []);
        }

        Add("go_memstats_alloc_bytes_total", Counter(() => Poisson(300_000), 0), []);
        Add("go_memstats_mallocs_total", Counter(() => Poisson(3_000), 0), []);
        Add("go_memstats_frees_total", Counter(() => Poisson(2_900), 0), []);
        Add("process_cpu_seconds_total", Counter(() => Math.Round(random.NextDouble() * 0.05, 2), 2), []);
        Add("process_resident_memory_bytes", Gauge(2e7, 4096 * 20, 0), []);
        Add("process_open_fds", Gauge(9, 1, 0, 5), []);
        Add("process_start_time_seconds", Constant(1_699_500_000.12), []);
        foreach (var code in new[] { "200", "500", "503" })
        {
            Add("promhttp_metric_handler_requests_total", code == "200" ? Counter(() => 1, 0) : Constant(0), "code", code);
        }

        // A classic histogram of scrape durations.
        var counts = new double[Buckets.Length + 1];
        var bucketValues = new double[Buckets.Length + 1][];
        var sumValues = new double[scrapes];
        var sum = 0.0;
        for (var b = 0; b < bucketValues.Length; b++)
        {
            bucketValues[b] = new double[scrapes];
        }

        for (var k = 0; k < scrapes; k++)
        {
            var observations = random.Next(0, 4);
            for (var n = 0; n < observations; n++)
            {
                var v = Math.Exp(-4 + (random.NextDouble() * 4));
                sum += v;
                for (var b = 0; b <= Buckets.Length; b++)
                {
                    if (b == Buckets.Length || v <= Buckets[b])
                    {
                        counts[b]++;
                    }
                }
            }

            for (var b = 0; b <= Buckets.Length; b++)
            {
                bucketValues[b][k] = counts[b];
            }

            sumValues[k] = sum;
        }

        for (var b = 0; b <= Buckets.Length; b++)
        {
            var values = bucketValues[b];
            Add("http_request_duration_seconds_bucket", k => values[k], "handler", "/metrics",
                "le", b == Buckets.Length ? "+Inf" : Buckets[b].ToString(CultureInfo.InvariantCulture));
        }

        Add("http_request_duration_seconds_sum", k => sumValues[k], "handler", "/metrics");
        Add("http_request_duration_seconds_count", k => bucketValues[^1][k], "handler", "/metrics");
        Add("up", Constant(1), []);
        Add("scrape_duration_seconds", k => Math.Round(0.01 + (random.NextDouble() * 0.02), 6), []);
        Add("scrape_samples_scraped", Constant(series.Count + 5), []);

        return series;
    }
}
