using System.Globalization;

namespace Serverless.Monitoring.Tests.Dataset;

/// <summary>
/// What all series of one instance share: scrape timestamps (on the interval grid, shifted by a
/// stable per-instance offset and a little per-scrape jitter), their OpenMetrics text, an
/// optional restart (counters reset there), uptime and machine sizes.
/// </summary>
internal sealed class InstanceTimeline
{
    private readonly byte[] _timestampText;
    private readonly int[] _timestampTextStart;

    public InstanceTimeline(NodeExporterLikeDatasetOptions options, int index)
    {
        Index = index;
        Label = $"node-{index + 1:D3}:9100";
        var random = DatasetRandom.For(options.Seed, index, -1);
        var points = options.PointsPerSeries;
        var intervalMs = (long)options.Interval.TotalMilliseconds;
        IntervalSeconds = intervalMs / 1000.0;
        var endMs = options.End.ToUnixTimeMilliseconds();
        var offset = random.Next(-options.InstanceOffsetMilliseconds, options.InstanceOffsetMilliseconds + 1);

        Timestamps = new long[points];
        _timestampTextStart = new int[points + 1];
        var text = new List<byte>(points * 17);
        Span<byte> buffer = stackalloc byte[32];
        for (var k = 0; k < points; k++)
        {
            var jitter = random.Next(-options.ScrapeJitterMilliseconds, options.ScrapeJitterMilliseconds + 1);
            var ts = endMs - ((points - 1 - k) * intervalMs) + offset + jitter;
            Timestamps[k] = ts;
            _timestampTextStart[k] = text.Count;
            text.AddRange(FormatTimestamp(ts, buffer));
        }

        _timestampTextStart[points] = text.Count;
        _timestampText = [.. text];

        RestartPoint = points > 2 && random.NextDouble() < options.RestartProbability ? random.Next(1, points) : -1;
        UptimeAtStartSeconds = random.NextDouble(3_600, 90 * 86_400);
        // MemTotal is a little under a power of two, in kB as /proc/meminfo has it.
        MemoryTotalBytes = 1024.0 * ((random.Next(8, 129) * 1024L * 1024) - random.Next(100_000, 400_000));
        FilesystemSizeBytes = 4096.0 * Math.Round(random.NextDouble(50, 2000) * (1L << 30) / 4096);
        CpuCount = 8;
    }

    public int Index { get; }

    /// <summary>The <c>instance</c> label value.</summary>
    public string Label { get; }

    /// <summary>Scrape timestamps in milliseconds, ascending.</summary>
    public long[] Timestamps { get; }

    public double IntervalSeconds { get; }

    /// <summary>The scrape at which the instance restarted (its counters start over), or -1.</summary>
    public int RestartPoint { get; }

    /// <summary>How long the machine had been up at the first scrape.</summary>
    public double UptimeAtStartSeconds { get; }

    public double MemoryTotalBytes { get; }

    public double FilesystemSizeBytes { get; }

    public int CpuCount { get; }

    /// <summary>" 1704045600.123\n": the timestamp of scrape <paramref name="point"/> in seconds, with the newline.</summary>
    public ReadOnlySpan<byte> TimestampSuffix(int point) =>
        _timestampText.AsSpan(_timestampTextStart[point], _timestampTextStart[point + 1] - _timestampTextStart[point]);

    /// <summary>Seconds since the (latest) boot at scrape <paramref name="point"/>.</summary>
    public double Uptime(int point) =>
        RestartPoint >= 0 && point >= RestartPoint
            ? ((point - RestartPoint) * IntervalSeconds) + 5
            : UptimeAtStartSeconds + (point * IntervalSeconds);

    private static byte[] FormatTimestamp(long ms, Span<byte> buffer)
    {
        // OpenMetrics timestamps are seconds; milliseconds as three decimals.
        var seconds = Math.DivRem(ms, 1000, out var millis);
        buffer[0] = (byte)' ';
        seconds.TryFormat(buffer[1..], out var n, default, CultureInfo.InvariantCulture);
        n++;
        buffer[n++] = (byte)'.';
        millis.TryFormat(buffer[n..], out var m, "D3", CultureInfo.InvariantCulture);
        n += m;
        buffer[n++] = (byte)'\n';
        return buffer[..n].ToArray();
    }
}
