using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// The Scrape timer: each tick covers [tick, tick + period) and scrapes the targets whose
/// slot falls in it (the embedded loop does the same with a one-second period), publishing to the
/// sample bus. On the in-process bus nothing else would read the samples, so the tick stores them
/// itself. The first tick loads <c>prometheus.yml</c> and starts discovery; later ticks reuse them
/// (a reload through <c>/-/reload</c> is applied as it happens).
/// </summary>
internal sealed class ScrapeInvocation(
    ScrapeStartup startup,
    ScrapeManager manager,
    SampleBus bus,
    InvocationIngest ingest,
    IOptions<FunctionsOptions> options,
    TimeProvider time)
{
    public const string Name = "Scrape";

    public async Task RunAsync(InvocationRequest request, InvocationResult result, CancellationToken cancellationToken)
    {
        var period = options.Value.ScrapePeriodValue;
        var tick = TickOf(time.GetUtcNow(), period);
        if (request.Value("timer") is JsonObject timer && timer["IsPastDue"] is JsonValue pastDue && pastDue.TryGetValue<bool>(out var isPastDue) && isPastDue)
        {
            result.Warn("the timer is past due: ticks were missed while the app was not running");
        }

        await startup.EnsureStartedAsync(cancellationToken);
        foreach (var target in manager.Targets.Select(t => t.Target).Where(t => t.Interval < period).DistinctBy(t => t.Job))
        {
            result.Warn($"job {target.Job} scrapes every {PrometheusDuration.Format(target.Interval)}, more often than the timer ticks "
                + $"(Functions:ScrapePeriod {PrometheusDuration.Format(period)}): it is scraped once per tick");
        }

        var scrapes = await manager.RunDueAsync(tick, period, cancellationToken);
        var due = manager.Targets.Where(t => t.LastScrape >= tick).ToList();
        var down = due.Where(t => t.LastReport is { Up: false }).ToList();
        result.Log(string.Create(CultureInfo.InvariantCulture,
            $"tick {tick:O} (period {PrometheusDuration.Format(period)}): {scrapes} of {manager.Targets.Count} targets scraped, {down.Count} down"));
        foreach (var target in down)
        {
            result.Warn($"{target.Target.Job} {target.Target.Url}: {target.LastReport!.Error}");
        }

        var summary = new JsonObject
        {
            ["Tick"] = tick.ToString("O", CultureInfo.InvariantCulture),
            ["PeriodSeconds"] = period.TotalSeconds,
            ["Targets"] = manager.Targets.Count,
            ["Scrapes"] = scrapes,
            ["Down"] = down.Count,
            ["Samples"] = due.Sum(t => (long)(t.LastReport?.SamplesPostMetricRelabeling ?? 0)),
        };

        if (bus.InProcess is { } channel)
        {
            summary["Stored"] = await StoreInProcessAsync(channel, result, cancellationToken);
        }

        result.ReturnValue = summary;
    }

    /// <summary>Stores what this tick put on the in-process bus; returns how many samples.</summary>
    private async Task<long> StoreInProcessAsync(InProcessSampleTransport channel, InvocationResult result, CancellationToken cancellationToken)
    {
        long samples = 0;
        while (channel.Count > 0)
        {
            var batch = await channel.ReadBatchAsync(256, cancellationToken);
            var outcome = await ingest.IngestAsync(batch, result, cancellationToken);
            samples += outcome.Stored?.Samples ?? 0;
        }

        return samples;
    }

    /// <summary>
    /// The schedule instant the timer fired for: the period boundary at or before <paramref name="now"/>,
    /// allowing the timer to fire a little early (up to a second, or a quarter of the period) and
    /// late by the rest of the period.
    /// </summary>
    internal static DateTimeOffset TickOf(DateTimeOffset now, TimeSpan period)
    {
        var early = TimeSpan.FromTicks(Math.Min(TimeSpan.TicksPerSecond, period.Ticks / 4));
        var t = now.UtcTicks + early.Ticks;
        return new DateTimeOffset(t - ((t - DateTimeOffset.UnixEpoch.UtcTicks) % period.Ticks), TimeSpan.Zero);
    }
}
