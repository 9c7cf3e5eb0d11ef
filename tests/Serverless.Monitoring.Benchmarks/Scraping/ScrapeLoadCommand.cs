using System.Diagnostics;
using System.Globalization;
using System.Runtime;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Benchmarks.Scraping;

/// <summary>
/// <c>scrape-load [--targets 1000] [--series 500] [--interval 15] [--intervals 4] [--no-gzip]</c>
/// (issue 5's second target): a load generator in a separate process (<see cref="ScrapeLoadServer"/>)
/// serves the same real node_exporter payload at <c>/metrics/0..targets-1</c>; this process scrapes
/// them as the embedded host does (a <see cref="ScrapeManager"/> ticked every second, real
/// <see cref="HttpScraper"/>, real <see cref="SamplePublisher"/> over an <see cref="InProcessSampleTransport"/>
/// whose messages a consumer task reads and drops, an <see cref="InMemoryScrapeStateStore"/>). After
/// one unmeasured interval (loops created, series caches warm) it measures N intervals: this
/// process's CPU time over wall time (% of one core), peak working set and GC heap, scrapes done
/// and failed, samples and bus bytes per second. The load generator's CPU is reported apart.
/// </summary>
public static class ScrapeLoadCommand
{
    public const string Name = "scrape-load";

    private static readonly TimeSpan Tick = TimeSpan.FromSeconds(1);

    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        int targets = 1000, series = 500, intervals = 4;
        var interval = TimeSpan.FromSeconds(15);
        var gzip = true;
        for (var i = 0; i < args.Length; i++)
        {
            var value = i + 1 < args.Length ? args[i + 1] : "";
            switch (args[i])
            {
                case "--targets": targets = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--series": series = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--interval": interval = TimeSpan.FromSeconds(double.Parse(value, CultureInfo.InvariantCulture)); i++; break;
                case "--intervals": intervals = int.Parse(value, CultureInfo.InvariantCulture); i++; break;
                case "--no-gzip": gzip = false; break;
                default:
                    await Console.Error.WriteLineAsync($"unknown option {args[i]}; usage: {Name} [--targets 1000] [--series 500] [--interval 15] [--intervals 4] [--no-gzip]");
                    return 2;
            }
        }

        var port = FreePort.Get();
        await using var server = StartServer(port, series);
        var baseUri = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        await server.WaitForHttpAsync(new Uri(baseUri, "metrics/0"), TimeSpan.FromSeconds(60));
        Log($"load generator pid {server.Id} on {baseUri}: {server.Output.Trim()}");

        using var handler = HttpScraper.CreateHandler();
        if (!gzip)
        {
            handler.AutomaticDecompression = System.Net.DecompressionMethods.None;
        }

        using var client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        var transport = new InProcessSampleTransport();
        var publisher = new SamplePublisher(transport);
        var counters = new LoadCounters();
        var manager = new ScrapeManager(
            new HttpScraper(client, "Serverless.Monitoring/scrape-load"),
            async (key, published, cancellationToken) =>
            {
                // Publishing to the in-process bus completes synchronously unless the channel is full: then its CPU is this thread's.
                var cpuBefore = ThreadCpuClock.Nanoseconds();
                var publishing = publisher.PublishAsync(key, published, cancellationToken);
                var publishCpu = publishing.IsCompleted && cpuBefore >= 0 ? ThreadCpuClock.Nanoseconds() - cpuBefore : -1;
                counters.Count(published, await publishing, publishCpu);
            },
            new InMemoryScrapeStateStore());
        manager.SetTargets(Enumerable.Range(0, targets).Select(n => new ScrapeTarget
        {
            Job = "scrape-load",
            Url = new Uri(baseUri, "metrics/" + n.ToString(CultureInfo.InvariantCulture)),
            Labels = LabelSet.FromStrings("job", "scrape-load", "instance", "load-" + n.ToString("D4", CultureInfo.InvariantCulture)),
            Interval = interval,
            Timeout = TimeSpan.FromSeconds(Math.Min(10, interval.TotalSeconds)),
        }));

        var consumer = ConsumeAsync(transport, counters);
        using var process = Process.GetCurrentProcess();
        using var loadGenerator = Process.GetProcessById(server.Id);
        var ticks = new List<Task>();
        var next = Floor(DateTimeOffset.UtcNow) + Tick;
        var warmUpEnd = next + interval;
        var end = warmUpEnd + (interval * intervals);
        Log($"{targets} targets x {series} series every {interval.TotalSeconds} s, gzip {(gzip ? "on" : "off")}, GC {(GCSettings.IsServerGC ? "server" : "workstation")}{(GCSettings.IsServerGC ? "" : GCSettings.LatencyMode == GCLatencyMode.Interactive ? " concurrent" : "")}; load average {LoadAverage()}");
        Log($"warming up for one interval, then measuring {intervals} intervals ({(interval * intervals).TotalSeconds} s)");
        Snapshot? start = null;
        long peakWorkingSet = 0, peakHeap = 0;
        while (next < end)
        {
            var wait = next - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            if (next == warmUpEnd)
            {
                start = Snapshot.Take(process, loadGenerator, counters);
                Log($"warm-up done ({counters.Scrapes} scrapes, {counters.Failed} failed); measuring; load average {LoadAverage()}");
            }

            if (start is not null)
            {
                process.Refresh();
                peakWorkingSet = Math.Max(peakWorkingSet, process.WorkingSet64);
                peakHeap = Math.Max(peakHeap, GC.GetGCMemoryInfo().HeapSizeBytes);
            }

            ticks.RemoveAll(t => t.IsCompleted);
            ticks.Add(manager.RunDueAsync(next, Tick, CancellationToken.None));
            next += Tick;
        }

        // The last tick's scrapes start within its second; wait for them, then read the counters.
        await Task.Delay(Floor(end) - DateTimeOffset.UtcNow is var rest && rest > TimeSpan.Zero ? rest : TimeSpan.Zero);
        var finish = Snapshot.Take(process, loadGenerator, counters);
        var loadAtEnd = LoadAverage();
        await Task.WhenAll(ticks);
        transport.Complete();
        await consumer;
        Report(start!, finish, targets, series, interval, intervals, peakWorkingSet, peakHeap, counters, manager, loadAtEnd);
        return 0;
    }

    private static ExternalProcess StartServer(int port, int series)
    {
        // The same executable, hidden subcommand: through the dotnet host when run as "dotnet x.dll".
        var self = typeof(ScrapeLoadCommand).Assembly.Location;
        var host = Environment.ProcessPath ?? "dotnet";
        var viaDotnet = Path.GetFileNameWithoutExtension(host) == "dotnet";
        string[] serveArgs = [ScrapeLoadServer.Name, port.ToString(CultureInfo.InvariantCulture), series.ToString(CultureInfo.InvariantCulture)];
        return ExternalProcess.Start(ScrapeLoadServer.Name, host, viaDotnet ? [self, .. serveArgs] : serveArgs);
    }

    private static async Task ConsumeAsync(InProcessSampleTransport transport, LoadCounters counters)
    {
        while (true)
        {
            var batch = await transport.ReadBatchAsync(256, CancellationToken.None);
            if (batch.Count == 0)
            {
                return;
            }

            foreach (var message in batch)
            {
                counters.Consumed(message.Body.Length);
            }
        }
    }

    private static void Report(Snapshot start, Snapshot finish, int targets, int series, TimeSpan interval, int intervals,
        long peakWorkingSet, long peakHeap, LoadCounters counters, ScrapeManager manager, string loadAtEnd)
    {
        var wall = (finish.Wall - start.Wall).TotalSeconds;
        var cpu = (finish.Cpu - start.Cpu).TotalSeconds;
        var kernelCpu = (finish.KernelCpu - start.KernelCpu).TotalSeconds;
        var serverCpu = (finish.ServerCpu - start.ServerCpu).TotalSeconds;
        var scrapes = finish.Scrapes - start.Scrapes;
        var failed = finish.Failed - start.Failed;
        var samples = finish.Samples - start.Samples;
        var down = manager.Targets.Count(t => t.Health != "up");
        var expected = (double)targets * intervals;
        var inv = CultureInfo.InvariantCulture;
        Console.WriteLine();
        Console.WriteLine(string.Create(inv, $"scrape-load: {targets} targets x {series} series every {interval.TotalSeconds} s, measured {wall:F1} s ({intervals} intervals) after a 1-interval warm-up"));
        Console.WriteLine(string.Create(inv, $"  scrapes             {scrapes,12:N0}   ({scrapes / wall:F1}/s; {expected:N0} expected), failed {failed:N0}; targets not up at the end: {down}"));
        Console.WriteLine(string.Create(inv, $"  samples published   {samples,12:N0}   ({samples / wall:N0}/s)"));
        Console.WriteLine(string.Create(inv, $"  bus messages        {finish.Messages - start.Messages,12:N0}   ({(finish.Bytes - start.Bytes) / wall / 1024:N1} KiB/s, {(double)(finish.Bytes - start.Bytes) / Math.Max(1, samples):F2} bytes/sample); consumed {finish.Consumed - start.Consumed:N0} ({finish.ConsumedBytes - start.ConsumedBytes:N0} bytes)"));
        Console.WriteLine(string.Create(inv, $"  CPU, scrape+publish {cpu,12:F2} s   = {100 * cpu / wall:F1}% of one core (target < 25%); {1e6 * cpu / Math.Max(1, samples):F2} us/sample, {1e3 * cpu / Math.Max(1, scrapes):F3} ms/scrape; {100 * kernelCpu / Math.Max(cpu, 1e-9):F0}% of it in the kernel"));
        var timed = finish.PublishCpu.Count - start.PublishCpu.Count;
        var publishCpu = (finish.PublishCpu.Nanoseconds - start.PublishCpu.Nanoseconds) / 1e9 * scrapes / Math.Max(1, timed);
        Console.WriteLine(string.Create(inv, $"    of which publish {publishCpu,12:F2} s   = {100 * publishCpu / wall:F1}% of one core, {1e3 * publishCpu / Math.Max(1, scrapes):F3} ms/scrape (thread CPU time of {timed:N0} publications done synchronously, scaled to all)"));
        Console.WriteLine(string.Create(inv, $"  CPU, load generator {serverCpu,12:F2} s   = {100 * serverCpu / wall:F1}% of one core (separate process, not counted above)"));
        // The manager (every loop and its series cache) is still referenced here, so this is what scraping keeps.
        var live = GC.GetTotalMemory(forceFullCollection: true);
        Console.WriteLine(string.Create(inv, $"  memory              working set peak {peakWorkingSet / 1048576.0:F1} MiB while measuring ({finish.PeakWorkingSet / 1048576.0:F1} MiB since start), peak GC heap {peakHeap / 1048576.0:F1} MiB"));
        Console.WriteLine(string.Create(inv, $"                      live after a full GC at the end {live / 1048576.0:F1} MiB ({live / (double)((long)targets * series):F0} bytes per scraped series)"));
        Console.WriteLine(string.Create(inv, $"  GC                  gen0 {finish.Gen0 - start.Gen0}, gen1 {finish.Gen1 - start.Gen1}, gen2 {finish.Gen2 - start.Gen2}; {(finish.Allocated - start.Allocated) / wall / 1048576.0:F1} MiB/s allocated ({(double)(finish.Allocated - start.Allocated) / Math.Max(1, samples):F1} bytes/sample); pause {(finish.Pause - start.Pause).TotalMilliseconds:F0} ms"));
        Console.WriteLine(string.Create(inv, $"  load average        at start {start.Load}, at end {loadAtEnd} ({Environment.ProcessorCount} cores)"));
    }

    private static DateTimeOffset Floor(DateTimeOffset t) => new(t.Ticks - (t.Ticks % Tick.Ticks), TimeSpan.Zero);

    private static string LoadAverage()
    {
        try
        {
            return string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));
        }
        catch (IOException)
        {
            return "unknown";
        }
    }

    private static void Log(string message) =>
        Console.WriteLine($"[{DateTimeOffset.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)}] {message}");

    /// <summary>What the measuring process has done so far.</summary>
    private sealed class LoadCounters
    {
        private long _scrapes;
        private long _failed;
        private long _samples;
        private long _messages;
        private long _bytes;
        private long _consumed;
        private long _consumedBytes;
        private long _publishTimed;
        private long _publishCpu;

        public long Scrapes => Interlocked.Read(ref _scrapes);

        public long Failed => Interlocked.Read(ref _failed);

        public long Samples => Interlocked.Read(ref _samples);

        public long Messages => Interlocked.Read(ref _messages);

        public long Bytes => Interlocked.Read(ref _bytes);

        public long ConsumedMessages => Interlocked.Read(ref _consumed);

        /// <summary>One scrape published; its synthetic <c>up</c> (among the last five series) says whether it failed.</summary>
        public void Count(IReadOnlyList<SeriesSamples> series, PublishResult result, long publishCpuNanoseconds)
        {
            Interlocked.Increment(ref _scrapes);
            if (publishCpuNanoseconds >= 0)
            {
                Interlocked.Increment(ref _publishTimed);
                Interlocked.Add(ref _publishCpu, publishCpuNanoseconds);
            }

            Interlocked.Add(ref _samples, result.Samples);
            Interlocked.Add(ref _messages, result.Messages);
            Interlocked.Add(ref _bytes, result.Bytes);
            for (var i = Math.Max(0, series.Count - ScrapeLoop.ReportNames.Count); i < series.Count; i++)
            {
                if (series[i].Labels.MetricName == "up" && series[i].Samples[0].Value == 0)
                {
                    Interlocked.Increment(ref _failed);
                }
            }
        }

        /// <summary>Publications whose CPU was measured on their thread, and that CPU in nanoseconds.</summary>
        public (long Count, long Nanoseconds) PublishCpu => (Interlocked.Read(ref _publishTimed), Interlocked.Read(ref _publishCpu));

        public long ConsumedBytes => Interlocked.Read(ref _consumedBytes);

        public void Consumed(int bytes)
        {
            Interlocked.Increment(ref _consumed);
            Interlocked.Add(ref _consumedBytes, bytes);
        }
    }

    private sealed record Snapshot(DateTimeOffset Wall, TimeSpan Cpu, TimeSpan KernelCpu, TimeSpan ServerCpu, long Scrapes, long Failed, long Samples, long Messages, long Bytes,
        long Consumed, long ConsumedBytes, (long Count, long Nanoseconds) PublishCpu, int Gen0, int Gen1, int Gen2, long Allocated, TimeSpan Pause, long PeakWorkingSet, string Load)
    {
        public static Snapshot Take(Process process, Process server, LoadCounters counters)
        {
            process.Refresh();
            server.Refresh();
            return new Snapshot(DateTimeOffset.UtcNow, process.TotalProcessorTime, process.PrivilegedProcessorTime, server.TotalProcessorTime, counters.Scrapes, counters.Failed,
                counters.Samples, counters.Messages, counters.Bytes, counters.ConsumedMessages, counters.ConsumedBytes, counters.PublishCpu, GC.CollectionCount(0), GC.CollectionCount(1),
                GC.CollectionCount(2), GC.GetTotalAllocatedBytes(), GC.GetTotalPauseDuration(), process.PeakWorkingSet64, LoadAverage());
        }
    }
}
