using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Tests.Scraping;

/// <summary>Which window a Scrape timer invocation covers, for a timer that fires on time, late, or a little early.</summary>
public sealed class ScrapeTickTests
{
    [Theory]
    [InlineData("2025-03-01T10:00:15.000Z", 15, "2025-03-01T10:00:15Z")]
    [InlineData("2025-03-01T10:00:15.040Z", 15, "2025-03-01T10:00:15Z")]
    [InlineData("2025-03-01T10:00:28.900Z", 15, "2025-03-01T10:00:15Z")]
    [InlineData("2025-03-01T10:00:14.995Z", 15, "2025-03-01T10:00:15Z")]
    [InlineData("2025-03-01T10:00:14.100Z", 15, "2025-03-01T10:00:15Z")]
    [InlineData("2025-03-01T10:00:13.900Z", 15, "2025-03-01T10:00:00Z")]
    [InlineData("2025-03-01T10:00:00.900Z", 1, "2025-03-01T10:00:01Z")]
    [InlineData("2025-03-01T10:00:00.700Z", 1, "2025-03-01T10:00:00Z")]
    [InlineData("2025-03-01T10:04:59.500Z", 300, "2025-03-01T10:05:00Z")]
    public void The_tick_is_the_schedule_instant_the_timer_fired_for(string now, int periodSeconds, string expected)
    {
        var tick = ScrapeTick.Of(DateTimeOffset.Parse(now, System.Globalization.CultureInfo.InvariantCulture), TimeSpan.FromSeconds(periodSeconds));
        Assert.Equal(DateTimeOffset.Parse(expected, System.Globalization.CultureInfo.InvariantCulture), tick.At);
        Assert.Equal(TimeSpan.FromSeconds(periodSeconds), tick.Period);
    }
}
