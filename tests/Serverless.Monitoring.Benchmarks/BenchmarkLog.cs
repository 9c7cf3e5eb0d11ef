namespace Serverless.Monitoring.Benchmarks;

/// <summary>What the comparison commands print beside their figures: timestamped progress and the load average.</summary>
internal static class BenchmarkLog
{
    public static void Log(string message) =>
        Console.Error.WriteLine($"[{DateTime.UtcNow:HH:mm:ss}] {message}");

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
