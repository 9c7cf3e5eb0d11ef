using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Tests.Scraping;

public sealed class ScrapeScheduleTests
{
    private static ScrapeTarget Target(int port, double intervalSeconds) => new()
    {
        Job = "node",
        Url = new Uri($"http://127.0.0.1:{port}/metrics"),
        Labels = LabelSet.FromStrings("instance", $"127.0.0.1:{port}", "job", "node"),
        Interval = TimeSpan.FromSeconds(intervalSeconds),
        Timeout = TimeSpan.FromSeconds(1),
    };

    [Theory]
    [InlineData(15)]
    [InlineData(60)]
    [InlineData(0.5)]
    public void Slots_repeat_every_interval_at_the_targets_phase(double interval)
    {
        var from = new DateTimeOffset(2026, 11, 22, 5, 0, 0, 123, TimeSpan.Zero);
        for (var port = 9100; port < 9200; port++)
        {
            var target = Target(port, interval);
            var slot = ScrapeSchedule.NextSlot(target, from);
            Assert.InRange(slot, from, from + target.Interval - TimeSpan.FromTicks(1));
            Assert.Equal(target.Offset().Ticks, (slot - DateTimeOffset.UnixEpoch).Ticks % target.Interval.Ticks);
            Assert.Equal(slot + target.Interval, ScrapeSchedule.NextSlot(target, slot + TimeSpan.FromTicks(1)));
            Assert.Equal(slot, ScrapeSchedule.NextSlot(target, slot));
        }
    }

    [Fact]
    public void Ticks_of_any_period_scrape_each_target_once_per_interval()
    {
        var targets = Enumerable.Range(9100, 200).Select(p => Target(p, 15)).ToList();
        var start = new DateTimeOffset(2026, 11, 22, 5, 0, 0, TimeSpan.Zero);
        foreach (var period in new[] { TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(15), TimeSpan.FromSeconds(12) })
        {
            var counts = targets.ToDictionary(t => t.Key, _ => 0);
            for (var tick = start; tick < start + TimeSpan.FromMinutes(1); tick += period)
            {
                foreach (var target in targets.Where(t => ScrapeSchedule.SlotIn(t, tick, period) is not null))
                {
                    counts[target.Key]++;
                }
            }

            // The ticks tile the minute exactly, so it holds exactly four slots of every target.
            Assert.All(counts.Values, c => Assert.Equal(4, c));
        }
    }

    [Fact]
    public void Offsets_spread_targets_over_the_interval()
    {
        var offsets = Enumerable.Range(9100, 1000).Select(p => Target(p, 15).Offset().TotalSeconds).ToList();
        var perSecond = offsets.GroupBy(o => (int)o).Select(g => g.Count()).ToList();
        Assert.Equal(15, perSecond.Count);
        Assert.All(perSecond, n => Assert.InRange(n, 30, 110));
    }
}
