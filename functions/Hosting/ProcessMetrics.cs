using System.Diagnostics;
using System.Globalization;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The standard <c>process_*</c> metrics, named and computed as Prometheus's Go client does:
/// on Linux from <c>/proc/self/stat</c>, <c>/proc/stat</c>, <c>/proc/self/fd</c> and
/// <c>/proc/self/limits</c> (clock ticks at USER_HZ = 100, as procfs assumes); elsewhere from
/// <see cref="Process"/>.
/// </summary>
internal static class ProcessMetrics
{
    private const double UserHz = 100;

    public static void Register(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        var cpu = registry.CreateCounter("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.");
        var resident = registry.CreateGauge("process_resident_memory_bytes", "Resident memory size in bytes.");
        var virtualMemory = registry.CreateGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.");
        var startTime = registry.CreateGauge("process_start_time_seconds", "Start time of the process since unix epoch in seconds.");
        var openFds = registry.CreateGauge("process_open_fds", "Number of open file descriptors.");

        if (OperatingSystem.IsLinux() && File.Exists("/proc/self/stat"))
        {
            var maxFds = registry.CreateGauge("process_max_fds", "Maximum number of open file descriptors.");
            startTime.Set(ReadLinuxStartTime());
            registry.AddBeforeCollect(() =>
            {
                if (TryReadStat(out var stat))
                {
                    cpu.IncTo((stat.UserTicks + stat.SystemTicks) / UserHz);
                    virtualMemory.Set(stat.VirtualBytes);
                    resident.Set(stat.ResidentPages * (double)Environment.SystemPageSize);
                }

                openFds.Set(CountOpenFds());
                maxFds.Set(ReadMaxOpenFiles());
            });
            return;
        }

        using (var self = Process.GetCurrentProcess())
        {
            startTime.Set(new DateTimeOffset(self.StartTime.ToUniversalTime()).ToUnixTimeMilliseconds() / 1000.0);
        }

        registry.AddBeforeCollect(() =>
        {
            using var self = Process.GetCurrentProcess();
            cpu.IncTo(self.TotalProcessorTime.TotalSeconds);
            resident.Set(self.WorkingSet64);
            virtualMemory.Set(self.VirtualMemorySize64);
            openFds.Set(self.HandleCount);
        });
    }

    /// <summary>The fields of <c>/proc/[pid]/stat</c> that the metrics need.</summary>
    internal readonly record struct ProcStat(long UserTicks, long SystemTicks, long StartTicks, long VirtualBytes, long ResidentPages);

    /// <summary>
    /// Parses a <c>/proc/[pid]/stat</c> line. The command name (field 2) is in parentheses and
    /// may contain spaces and parentheses, so fields are counted after the last <c>)</c>.
    /// </summary>
    internal static bool TryParseStat(ReadOnlySpan<char> line, out ProcStat stat)
    {
        stat = default;
        var close = line.LastIndexOf(')');
        if (close < 0)
        {
            return false;
        }

        // Field 3 (state) is the first after ")"; we need 14 utime, 15 stime, 22 starttime, 23 vsize, 24 rss.
        Span<long> wanted = stackalloc long[5];
        var fieldNumber = 2;
        var found = 0;
        foreach (var range in line[(close + 1)..].Split(' '))
        {
            var field = line[(close + 1)..][range];
            if (field.IsEmpty)
            {
                continue;
            }

            fieldNumber++;
            var slot = fieldNumber switch { 14 => 0, 15 => 1, 22 => 2, 23 => 3, 24 => 4, _ => -1 };
            if (slot < 0)
            {
                continue;
            }

            if (!long.TryParse(field, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out wanted[slot]))
            {
                return false;
            }

            if (++found == wanted.Length)
            {
                stat = new ProcStat(wanted[0], wanted[1], wanted[2], wanted[3], wanted[4]);
                return true;
            }
        }

        return false;
    }

    /// <summary>The soft limit from the <c>Max open files</c> line of <c>/proc/[pid]/limits</c>; +Inf when unlimited, NaN when absent.</summary>
    internal static double ParseMaxOpenFiles(string limits)
    {
        foreach (var line in limits.Split('\n'))
        {
            if (!line.StartsWith("Max open files", StringComparison.Ordinal))
            {
                continue;
            }

            var soft = line["Max open files".Length..].TrimStart().Split(' ', 2)[0];
            if (soft == "unlimited")
            {
                return double.PositiveInfinity;
            }

            return double.TryParse(soft, NumberStyles.None, CultureInfo.InvariantCulture, out var value) ? value : double.NaN;
        }

        return double.NaN;
    }

    private static bool TryReadStat(out ProcStat stat)
    {
        try
        {
            return TryParseStat(File.ReadAllText("/proc/self/stat"), out stat);
        }
        catch (IOException)
        {
            stat = default;
            return false;
        }
    }

    private static double ReadLinuxStartTime()
    {
        try
        {
            double bootTime = double.NaN;
            foreach (var line in File.ReadLines("/proc/stat"))
            {
                if (line.StartsWith("btime ", StringComparison.Ordinal))
                {
                    bootTime = double.Parse(line.AsSpan(6), NumberStyles.AllowLeadingWhite | NumberStyles.AllowTrailingWhite, CultureInfo.InvariantCulture);
                    break;
                }
            }

            return TryReadStat(out var stat) ? bootTime + (stat.StartTicks / UserHz) : double.NaN;
        }
        catch (Exception ex) when (ex is IOException or FormatException)
        {
            return double.NaN;
        }
    }

    private static double CountOpenFds()
    {
        try
        {
            return Directory.EnumerateFileSystemEntries("/proc/self/fd").Count();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return double.NaN;
        }
    }

    private static double ReadMaxOpenFiles()
    {
        try
        {
            return ParseMaxOpenFiles(File.ReadAllText("/proc/self/limits"));
        }
        catch (IOException)
        {
            return double.NaN;
        }
    }
}
