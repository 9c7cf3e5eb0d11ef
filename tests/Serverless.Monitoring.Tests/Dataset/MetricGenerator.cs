namespace Serverless.Monitoring.Tests.Dataset;

/// <summary>
/// Produces the values of one metric of one instance for every scrape: one series for counters
/// and gauges, or the bucket, count and sum series of a histogram (quantiles, sum and count of a
/// summary). Every random choice, including per-instance parameters, comes from the stream it is
/// given, so instances differ but the dataset is reproducible.
/// </summary>
internal abstract class MetricGenerator
{
    /// <summary>How many series the metric has (lines per scrape).</summary>
    public virtual int SeriesCount => 1;

    /// <summary>Fills <paramref name="values"/>[series * points + point] for all points of <paramref name="timeline"/>.</summary>
    public abstract void Fill(Span<double> values, InstanceTimeline timeline, ref DatasetRandom random);

    protected static double Round(double value, int decimals) => decimals < 0 ? value : Math.Round(value, decimals);
}

/// <summary>A counter growing at a per-instance rate with noise; it restarts from zero when the instance does.</summary>
internal sealed class CounterGenerator(double minRate, double maxRate, double noise, int decimals) : MetricGenerator
{
    public override void Fill(Span<double> values, InstanceTimeline timeline, ref DatasetRandom random)
    {
        var rate = random.NextDouble(minRate, maxRate);
        var interval = timeline.IntervalSeconds;
        var value = rate * timeline.UptimeAtStartSeconds * random.NextDouble(0.8, 1.2);
        for (var k = 0; k < timeline.Timestamps.Length; k++)
        {
            if (k == timeline.RestartPoint)
            {
                value = rate * timeline.Uptime(k);
            }
            else if (k > 0)
            {
                value += Math.Max(0, rate * interval * (1 + (noise * random.NextGaussian())));
            }

            values[k] = Round(value, decimals);
        }
    }
}

/// <summary>A counter of rare events (errors, drops): most scrapes see no change.</summary>
internal sealed class SparseCounterGenerator(double probability, int maxStep) : MetricGenerator
{
    public override void Fill(Span<double> values, InstanceTimeline timeline, ref DatasetRandom random)
    {
        var p = random.NextDouble(0, probability);
        double value = random.Next(0, 1000);
        for (var k = 0; k < timeline.Timestamps.Length; k++)
        {
            if (k == timeline.RestartPoint)
            {
                value = 0;
            }
            else if (random.NextDouble() < p)
            {
                value += random.Next(1, maxStep + 1);
            }

            values[k] = value;
        }
    }
}

/// <summary>What a gauge's level is relative to.</summary>
internal enum GaugeScale
{
    Absolute,
    MemoryTotal,
    FilesystemSize,
}

/// <summary>
/// A mean-reverting random walk around a per-instance level (a fraction of the machine's memory
/// or disk, or absolute), clamped and rounded like the real reading (bytes in pages, loads in
/// hundredths). With zero volatility it is a constant.
/// </summary>
internal sealed class GaugeGenerator(
    GaugeScale scale,
    double minLevel,
    double maxLevel,
    double volatility,
    double quantum,
    double min = 0,
    double max = double.MaxValue) : MetricGenerator
{
    public override void Fill(Span<double> values, InstanceTimeline timeline, ref DatasetRandom random)
    {
        var unit = scale switch
        {
            GaugeScale.MemoryTotal => timeline.MemoryTotalBytes,
            GaugeScale.FilesystemSize => timeline.FilesystemSizeBytes,
            _ => 1.0,
        };
        var upper = Math.Min(max, scale == GaugeScale.Absolute ? max : unit);
        var level = random.NextDouble(minLevel, maxLevel) * unit;
        var x = level;
        var step = volatility * level;
        for (var k = 0; k < timeline.Timestamps.Length; k++)
        {
            if (k > 0 && step > 0)
            {
                x += (0.05 * (level - x)) + (step * random.NextGaussian());
                x = Math.Clamp(x, min, upper);
            }

            values[k] = quantum > 0 ? Math.Round(x / quantum) * quantum : x;
        }
    }
}

/// <summary><c>node_boot_time_seconds</c>: constant, moving forward at a restart.</summary>
internal sealed class BootTimeGenerator : MetricGenerator
{
    public override void Fill(Span<double> values, InstanceTimeline timeline, ref DatasetRandom random)
    {
        for (var k = 0; k < timeline.Timestamps.Length; k++)
        {
            values[k] = Math.Round((timeline.Timestamps[k] / 1000.0) - timeline.Uptime(k));
        }
    }
}

/// <summary><c>node_time_seconds</c>: the exporter's clock at the scrape, to the nanosecond-ish.</summary>
internal sealed class ClockGenerator : MetricGenerator
{
    public override void Fill(Span<double> values, InstanceTimeline timeline, ref DatasetRandom random)
    {
        for (var k = 0; k < timeline.Timestamps.Length; k++)
        {
            values[k] = (timeline.Timestamps[k] / 1000.0) + random.NextDouble(0.0001, 0.003);
        }
    }
}

/// <summary>
/// A classic histogram (cumulative buckets, then <c>_count</c> and <c>_sum</c>) of request
/// latencies: a per-instance request rate and a log-normal latency distribution.
/// </summary>
internal sealed class HistogramGenerator(double[] upperBounds, double minRate, double maxRate) : MetricGenerator
{
    public override int SeriesCount => upperBounds.Length + 3;

    public override void Fill(Span<double> values, InstanceTimeline timeline, ref DatasetRandom random)
    {
        var points = timeline.Timestamps.Length;
        var buckets = upperBounds.Length + 1;
        var rate = random.NextDouble(minRate, maxRate);

        // Log-normal latencies: median between 20 ms and 300 ms, moderate spread.
        var mu = Math.Log(random.NextDouble(0.02, 0.3));
        var sigma = random.NextDouble(0.5, 1.2);
        var mean = Math.Exp(mu + (sigma * sigma / 2));
        Span<double> fractions = stackalloc double[buckets];
        for (var i = 0; i < upperBounds.Length; i++)
        {
            fractions[i] = NormalCdf((Math.Log(upperBounds[i]) - mu) / sigma);
        }

        fractions[^1] = 1;
        Span<double> cumulative = stackalloc double[buckets];
        var startCount = Math.Round(rate * timeline.UptimeAtStartSeconds * random.NextDouble(0.5, 1));
        for (var i = 0; i < buckets; i++)
        {
            cumulative[i] = Math.Round(startCount * fractions[i]);
        }

        var sum = startCount * mean;
        var lambda = rate * timeline.IntervalSeconds;
        for (var k = 0; k < points; k++)
        {
            if (k == timeline.RestartPoint)
            {
                cumulative.Clear();
                sum = 0;
            }

            if (k > 0)
            {
                // Requests in this interval (normal approximation of Poisson), spread over the buckets.
                var n = Math.Max(0, Math.Round(lambda + (Math.Sqrt(lambda) * random.NextGaussian())));
                for (var i = 0; i < buckets; i++)
                {
                    cumulative[i] += Math.Round(n * fractions[i]);
                }

                cumulative[^1] = Math.Max(cumulative[^1], cumulative[^2]);
                sum += n * mean * (1 + (0.1 * random.NextGaussian()));
                sum = Math.Max(sum, 0);
            }

            for (var i = 0; i < buckets; i++)
            {
                values[(i * points) + k] = cumulative[i];
            }

            values[(buckets * points) + k] = cumulative[^1];
            values[((buckets + 1) * points) + k] = Math.Round(sum, 6);
        }
    }

    /// <summary>Φ(x) through erf (Abramowitz and Stegun 7.1.26, error below 1.5e-7).</summary>
    private static double NormalCdf(double x)
    {
        var z = Math.Abs(x) / Math.Sqrt(2);
        var t = 1 / (1 + (0.3275911 * z));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        var erf = 1 - (poly * Math.Exp(-z * z));
        return x >= 0 ? 0.5 * (1 + erf) : 0.5 * (1 - erf);
    }
}

/// <summary>A summary like <c>go_gc_duration_seconds</c>: noisy quantiles, then <c>_sum</c> and <c>_count</c> counters.</summary>
internal sealed class SummaryGenerator(int quantiles) : MetricGenerator
{
    public override int SeriesCount => quantiles + 2;

    public override void Fill(Span<double> values, InstanceTimeline timeline, ref DatasetRandom random)
    {
        var points = timeline.Timestamps.Length;
        var typical = random.NextDouble(2e-5, 2e-4);
        var rate = random.NextDouble(0.02, 0.5);
        var count = Math.Round(rate * timeline.UptimeAtStartSeconds);
        var sum = count * typical * 1.3;
        Span<double> q = stackalloc double[quantiles];
        for (var k = 0; k < points; k++)
        {
            if (k == timeline.RestartPoint)
            {
                count = 0;
                sum = 0;
            }

            if (k > 0)
            {
                var n = Math.Max(0, Math.Round((rate * timeline.IntervalSeconds) + random.NextGaussian()));
                count += n;
                sum += n * typical * random.NextDouble(0.9, 1.8);
            }

            for (var i = 0; i < quantiles; i++)
            {
                q[i] = typical * random.NextDouble(0.3, 1.0) * (1 + (i * i * 0.6));
            }

            q.Sort();
            for (var i = 0; i < quantiles; i++)
            {
                values[(i * points) + k] = Math.Round(q[i], 9);
            }

            values[(quantiles * points) + k] = Math.Round(sum, 9);
            values[((quantiles + 1) * points) + k] = count;
        }
    }
}
