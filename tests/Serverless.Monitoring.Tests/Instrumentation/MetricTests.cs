using System.Buffers;
using System.Text;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Tests.Instrumentation;

public class MetricTests
{
    [Fact]
    public void Counter_counts_integral_and_fractional_increments()
    {
        var counter = new MetricRegistry().CreateCounter("c_total", "help");
        counter.Inc();
        counter.Inc(2);
        counter.Inc(0.25);
        Assert.Equal(3.25, counter.Value);
    }

    [Fact]
    public void Counter_rejects_negative_increments()
    {
        var counter = new MetricRegistry().CreateCounter("c_total", "help");
        Assert.Throws<ArgumentOutOfRangeException>(() => counter.Inc(-1));
    }

    [Theory]
    [InlineData(new double[] { 5, 3, 7 }, 7)]
    [InlineData(new double[] { 2.5, 0.25 }, 2.5)]
    [InlineData(new double[] { double.NaN, 1 }, 2)]
    public void Counter_IncTo_never_lowers(double[] targets, double expected)
    {
        var counter = new MetricRegistry().CreateCounter("c_total", "help");
        counter.Inc(2);
        foreach (var target in targets)
        {
            counter.IncTo(target);
        }

        Assert.Equal(expected, counter.Value);
    }

    [Fact]
    public void Gauge_sets_and_moves()
    {
        var gauge = new MetricRegistry().CreateGauge("g", "help");
        gauge.Set(10);
        gauge.Inc();
        gauge.Dec(0.5);
        Assert.Equal(10.5, gauge.Value);
    }

    [Fact]
    public void Labeled_children_are_cached_by_value()
    {
        var counter = new MetricRegistry().CreateCounter("c_total", "help", "code", "handler");
        var a = counter.WithLabels("200", "/x");
        Assert.Same(a, counter.WithLabels("200", "/x"));
        Assert.NotSame(a, counter.WithLabels("200", "/y"));
        a.Inc();
        Assert.Equal(1, counter.WithLabels("200", "/x").Value);
        Assert.Equal(0, counter.WithLabels("200", "/y").Value);
    }

    [Fact]
    public void Labeled_family_cannot_hold_a_value_and_children_have_no_children()
    {
        var registry = new MetricRegistry();
        var counter = registry.CreateCounter("c_total", "help", "a");
        Assert.Throws<InvalidOperationException>(() => counter.Inc());
        Assert.Throws<ArgumentException>(() => counter.WithLabels("x", "y"));
        Assert.Throws<InvalidOperationException>(() => counter.WithLabels("x").WithLabels("y"));
        Assert.Throws<InvalidOperationException>(() => registry.CreateGauge("g", "help").WithLabels("x"));
        Assert.Throws<InvalidOperationException>(() => registry.CreateHistogram("h", "help", [], "a").Observe(1));
    }

    [Fact]
    public void Histogram_buckets_are_cumulative_and_Inf_equals_count()
    {
        var registry = new MetricRegistry();
        var histogram = registry.CreateHistogram("h_seconds", "help", [0.1, 1, 10]);
        foreach (var value in new[] { 0.05, 0.1, 0.5, 1, 5, 50, double.NaN })
        {
            histogram.Observe(value);
        }

        var text = WriteRegistry(registry);
        Assert.StartsWith(
            "# HELP h_seconds help\n# TYPE h_seconds histogram\n"
            + "h_seconds_bucket{le=\"0.1\"} 2\n"
            + "h_seconds_bucket{le=\"1\"} 4\n"
            + "h_seconds_bucket{le=\"10\"} 5\n"
            + "h_seconds_bucket{le=\"+Inf\"} 7\n"
            + "h_seconds_sum NaN\n"
            + "h_seconds_count 7\n",
            text,
            StringComparison.Ordinal);
        Assert.Equal(7, histogram.Count);
    }

    [Fact]
    public void Histogram_with_labels_writes_le_last()
    {
        var registry = new MetricRegistry();
        var histogram = registry.CreateHistogram("h", "help", [1, double.PositiveInfinity], "handler");
        histogram.WithLabels("/a").Observe(0.5);
        histogram.WithLabels("/a").Observe(2);
        Assert.Equal(
            "# HELP h help\n# TYPE h histogram\n"
            + "h_bucket{handler=\"/a\",le=\"1\"} 1\n"
            + "h_bucket{handler=\"/a\",le=\"+Inf\"} 2\n"
            + "h_sum{handler=\"/a\"} 2.5\n"
            + "h_count{handler=\"/a\"} 2\n",
            WriteRegistry(registry));
    }

    public static TheoryData<double> BucketBoundaryValues => new() { -1, 0, 1, 1.5, 2, 16, 16.5, 17, 31, 32, 33, double.NegativeInfinity, double.PositiveInfinity, double.NaN };

    // Many buckets take the binary-search path; it must agree with "le" (value <= bound).
    [Theory]
    [MemberData(nameof(BucketBoundaryValues))]
    public void Histogram_bucket_search_uses_le_semantics(double value)
    {
        var bounds = Enumerable.Range(1, 32).Select(i => (double)i).ToArray();
        var firstEight = bounds.Take(8).ToArray();
        var registry = new MetricRegistry();
        var many = registry.CreateHistogram("many", "help", bounds);
        var few = registry.CreateHistogram("few", "help", firstEight);
        many.Observe(value);
        few.Observe(value);

        var parsed = ExpositionText.Parse(WriteRegistry(registry));
        foreach (var (name, upper) in new[] { ("many", bounds), ("few", firstEight) })
        {
            foreach (var bound in upper)
            {
                var expected = value <= bound ? 1 : 0;
                Assert.Equal(expected, parsed.Value(name + "_bucket", ("le", TextExpositionWriter.FormatValue(bound))));
            }

            Assert.Equal(1, parsed.Value(name + "_bucket", ("le", "+Inf")));
        }
    }

    [Fact]
    public void Concurrent_updates_are_not_lost()
    {
        var registry = new MetricRegistry();
        var counter = registry.CreateCounter("c_total", "help", "worker");
        var gauge = registry.CreateGauge("g", "help");
        var histogram = registry.CreateHistogram("h", "help", [0.5]);
        const int Threads = 8;
        const int PerThread = 20_000;
        Parallel.For(0, Threads, new ParallelOptions { MaxDegreeOfParallelism = Threads }, t =>
        {
            var child = counter.WithLabels((t % 2).ToString(System.Globalization.CultureInfo.InvariantCulture));
            for (var i = 0; i < PerThread; i++)
            {
                child.Inc();
                child.Inc(0.5);
                gauge.Inc();
                histogram.Observe(i % 2);
            }
        });

        Assert.Equal(Threads * PerThread * 1.5, counter.WithLabels("0").Value + counter.WithLabels("1").Value);
        Assert.Equal(Threads * PerThread, gauge.Value);
        Assert.Equal(Threads * PerThread, histogram.Count);
        Assert.Equal(Threads * PerThread / 2, histogram.Sum);
    }

    private static string WriteRegistry(MetricRegistry registry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
