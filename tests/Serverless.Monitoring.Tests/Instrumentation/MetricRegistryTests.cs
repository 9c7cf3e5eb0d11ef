using System.Buffers;
using System.Text;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Tests.Instrumentation;

public class MetricRegistryTests
{
    [Fact]
    public void Creating_the_same_metric_twice_returns_it()
    {
        var registry = new MetricRegistry();
        var counter = registry.CreateCounter("c_total", "help", "a");
        Assert.Same(counter, registry.CreateCounter("c_total", "help", "a"));
        var histogram = registry.CreateHistogram("h", "help", [1, 2]);
        Assert.Same(histogram, registry.CreateHistogram("h", "help", [1, 2]));
    }

    public static TheoryData<string, Action<MetricRegistry>> Conflicts => new()
    {
        { "other type", r => r.CreateGauge("c_total", "help", "a") },
        { "other labels", r => r.CreateCounter("c_total", "help", "b") },
        { "other help", r => r.CreateCounter("c_total", "other", "a") },
        { "other buckets", r => r.CreateHistogram("h", "help", [1, 3]) },
    };

    [Theory]
    [MemberData(nameof(Conflicts))]
    public void Conflicting_registrations_throw(string why, Action<MetricRegistry> register)
    {
        var registry = new MetricRegistry();
        registry.CreateCounter("c_total", "help", "a");
        registry.CreateHistogram("h", "help", [1, 2]);
        var ex = Assert.Throws<ArgumentException>(() => register(registry));
        Assert.Contains("already registered", ex.Message, StringComparison.Ordinal);
        Assert.NotNull(why);
    }

    public static TheoryData<string, Action<MetricRegistry>> InvalidDefinitions => new()
    {
        { "name starts with a digit", r => r.CreateGauge("1abc", "help") },
        { "name has a dash", r => r.CreateGauge("a-b", "help") },
        { "empty name", r => r.CreateGauge(string.Empty, "help") },
        { "empty help", r => r.CreateGauge("g", " ") },
        { "label with colon", r => r.CreateGauge("g", "help", "a:b") },
        { "reserved label prefix", r => r.CreateGauge("g", "help", "__name") },
        { "repeated label", r => r.CreateGauge("g", "help", "a", "a") },
        { "le on a histogram", r => r.CreateHistogram("h", "help", [], "le") },
        { "unsorted buckets", r => r.CreateHistogram("h", "help", [2, 1]) },
        { "NaN bucket", r => r.CreateHistogram("h", "help", [double.NaN]) },
    };

    [Theory]
    [MemberData(nameof(InvalidDefinitions))]
    public void Invalid_definitions_throw(string why, Action<MetricRegistry> register)
    {
        Assert.ThrowsAny<ArgumentException>(() => register(new MetricRegistry()));
        Assert.NotNull(why);
    }

    [Fact]
    public void Families_are_written_sorted_and_empty_labeled_families_are_left_out()
    {
        var registry = new MetricRegistry();
        registry.CreateGauge("zeta", "z").Set(1);
        registry.CreateCounter("alpha_total", "a").Inc();
        registry.CreateCounter("middle_total", "m", "x");
        registry.CreateGauge("colon:name", "c").Set(2);

        Assert.Equal(
            "# HELP alpha_total a\n# TYPE alpha_total counter\nalpha_total 1\n"
            + "# HELP colon:name c\n# TYPE colon:name gauge\ncolon:name 2\n"
            + "# HELP zeta z\n# TYPE zeta gauge\nzeta 1\n",
            Write(registry));
    }

    [Fact]
    public void Histograms_default_to_Prometheus_buckets()
    {
        var histogram = new MetricRegistry().CreateHistogram("h", "help", []);
        Assert.Equal([0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10], histogram.UpperBounds);
    }

    [Fact]
    public void Before_collect_callbacks_run_on_every_write()
    {
        var registry = new MetricRegistry();
        var gauge = registry.CreateGauge("g", "help");
        var calls = 0;
        registry.AddBeforeCollect(() => gauge.Set(++calls));
        Assert.Contains("g 1\n", Write(registry), StringComparison.Ordinal);
        Assert.Contains("g 2\n", Write(registry), StringComparison.Ordinal);
    }

    private static string Write(MetricRegistry registry)
    {
        var buffer = new ArrayBufferWriter<byte>();
        registry.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
