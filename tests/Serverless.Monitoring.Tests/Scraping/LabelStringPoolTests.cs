using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Tests.Scraping;

public sealed class LabelStringPoolTests
{
    [Theory]
    [InlineData("node_cpu_seconds_total", 256, true)]
    [InlineData("idle", 4, true)]
    [InlineData("idle", 3, false)]
    public void Pools_equal_strings_up_to_the_length_limit(string text, int maxLength, bool pooled)
    {
        var pool = new LabelStringPool(maxLength: maxLength);
        var first = pool.Get(new string(text.AsSpan()));
        var second = pool.Get(new string(text.AsSpan()));
        Assert.Equal(text, second);
        Assert.Equal(pooled, ReferenceEquals(first, second));
    }

    [Fact]
    public void Starts_over_when_full()
    {
        var pool = new LabelStringPool(capacity: 2);
        pool.Get("a");
        pool.Get("b");
        Assert.Equal(2, pool.Count);
        pool.Get("c");
        Assert.Equal(1, pool.Count);
        var c = new string("c".AsSpan());
        Assert.NotSame(c, pool.Get(c));

        // "a" was forgotten: a new instance of it becomes the pooled one.
        var a = new string("a".AsSpan());
        Assert.Same(a, pool.Get(a));
    }

    [Fact]
    public void Loops_sharing_a_pool_share_the_strings_of_their_series()
    {
        var pool = new LabelStringPool();
        var body = Encoding.UTF8.GetBytes("node_cpu_seconds_total{cpu=\"0\",mode=\"idle\"} 1\n");
        List<string> instances = ["a:9100", "b:9100"];
        var labels = instances.Select(instance =>
        {
            var loop = new ScrapeLoop(
                new ScrapeTarget
                {
                    Job = "node",
                    Url = new Uri($"http://{instance}/metrics"),
                    Labels = LabelSet.FromStrings("instance", instance, "job", "node"),
                    Interval = TimeSpan.FromSeconds(15),
                    Timeout = TimeSpan.FromSeconds(10),
                },
                pool);
            return loop.Append(body, "text/plain; version=0.0.4", 1000, TimeSpan.Zero, null).Series[0].Labels;
        }).ToList();

        Assert.Equal("idle", labels[0].Get("mode"));
        Assert.Same(labels[0].MetricName, labels[1].MetricName);
        Assert.Same(labels[0].Get("mode"), labels[1].Get("mode"));
        Assert.NotEqual(labels[0], labels[1]);
    }
}
