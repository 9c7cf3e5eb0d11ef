namespace Serverless.Monitoring.Tests.Dataset;

/// <summary>The shape of a <see cref="NodeExporterLikeDataset"/>. The defaults are the storage benchmark's dataset.</summary>
public sealed record NodeExporterLikeDatasetOptions
{
    /// <summary>Scrape targets, each with the same families (like a fleet of node_exporters).</summary>
    public int Instances { get; init; } = 50;

    /// <summary>Series per instance; at least 16. Families are filled in a fixed order and a filler gauge family takes the rest.</summary>
    public int SeriesPerInstance { get; init; } = 400;

    /// <summary>The scrape interval.</summary>
    public TimeSpan Interval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How far back from <see cref="End"/> the samples go (Duration / Interval points per series).</summary>
    public TimeSpan Duration { get; init; } = TimeSpan.FromHours(6);

    /// <summary>
    /// The timestamp of the last scrape (before offset and jitter); fixed so the file is
    /// reproducible. The default keeps 6 hours of 15 s scrapes inside three aligned 2 h blocks.
    /// </summary>
    public DateTimeOffset End { get; init; } = new(2023, 12, 31, 23, 59, 50, TimeSpan.Zero);

    /// <summary>Seeds every random choice: the same options give the same bytes.</summary>
    public long Seed { get; init; } = 42;

    /// <summary>Each instance's timestamps sit at a stable offset in [-x, +x] ms from the interval grid.</summary>
    public int InstanceOffsetMilliseconds { get; init; } = 5;

    /// <summary>
    /// Each scrape's timestamp moves by a further [-x, +x] ms (scheduling noise). Off by default:
    /// Prometheus aligns scrape timestamps that are within 2 ms of the schedule, so stored
    /// timestamps keep the stable per-instance offset only.
    /// </summary>
    public int ScrapeJitterMilliseconds { get; init; }

    /// <summary>The chance that an instance restarts once inside the window, resetting its counters.</summary>
    public double RestartProbability { get; init; } = 0.2;

    /// <summary>The number of scrapes per series.</summary>
    public int PointsPerSeries => checked((int)(Duration.Ticks / Interval.Ticks));

    internal void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(Instances, 1, nameof(Instances));
        ArgumentOutOfRangeException.ThrowIfLessThan(SeriesPerInstance, 16, nameof(SeriesPerInstance));
        ArgumentOutOfRangeException.ThrowIfLessThan(Interval, TimeSpan.FromMilliseconds(100), nameof(Interval));
        ArgumentOutOfRangeException.ThrowIfLessThan(PointsPerSeries, 1, nameof(Duration));
        ArgumentOutOfRangeException.ThrowIfNegative(InstanceOffsetMilliseconds, nameof(InstanceOffsetMilliseconds));
        ArgumentOutOfRangeException.ThrowIfNegative(ScrapeJitterMilliseconds, nameof(ScrapeJitterMilliseconds));
        if ((InstanceOffsetMilliseconds + ScrapeJitterMilliseconds) * 2 >= Interval.TotalMilliseconds)
        {
            throw new ArgumentException("Offsets and jitter must stay well inside the interval.", nameof(ScrapeJitterMilliseconds));
        }

        ArgumentOutOfRangeException.ThrowIfNegative(RestartProbability, nameof(RestartProbability));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(RestartProbability, 1, nameof(RestartProbability));
    }
}
