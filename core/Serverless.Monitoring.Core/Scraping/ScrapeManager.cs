using System.Collections.Concurrent;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Scraping;

/// <summary>Hands one target's samples on (to the sample bus); the key identifies the target.</summary>
public delegate Task ScrapePublisher(string targetKey, IReadOnlyList<SeriesSamples> series, CancellationToken cancellationToken);

/// <summary>
/// Runs the scrapes that are due: a tick covering [from, from + period) scrapes every target
/// whose slot (<see cref="ScrapeSchedule"/>) falls in it, each at its slot, concurrently, and
/// publishes what each produced. Keeps a <see cref="ScrapeLoop"/> per target (restored from the
/// <see cref="IScrapeStateStore"/> when this process has none), target health for
/// <c>/api/v1/targets</c>, and sends staleness markers for targets that went away.
/// </summary>
public sealed class ScrapeManager
{
    private readonly HttpScraper _scraper;
    private readonly ScrapePublisher _publish;
    private readonly IScrapeStateStore _state;
    private readonly TimeProvider _time;
    private readonly Action<string>? _log;
    private readonly ConcurrentDictionary<string, TargetRuntime> _targets = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<TargetRuntime> _removed = new();
    private readonly LabelStringPool _strings = new();
    private readonly ulong _seed;

    public ScrapeManager(HttpScraper scraper, ScrapePublisher publish, IScrapeStateStore state, TimeProvider? time = null, Action<string>? log = null, ulong offsetSeed = 0)
    {
        ArgumentNullException.ThrowIfNull(scraper);
        ArgumentNullException.ThrowIfNull(publish);
        ArgumentNullException.ThrowIfNull(state);
        _scraper = scraper;
        _publish = publish;
        _state = state;
        _time = time ?? TimeProvider.System;
        _log = log;
        _seed = offsetSeed;
    }

    /// <summary>The current targets and how their latest scrape went.</summary>
    public IReadOnlyList<TargetStatus> Targets =>
        _targets.Values.Select(t => t.Status).OrderBy(s => s.Target.Job, StringComparer.Ordinal).ThenBy(s => s.Target.Url.AbsoluteUri, StringComparer.Ordinal).ToList();

    /// <summary>
    /// Replaces the target set (a config reload or a discovery update). Targets that stay keep
    /// their state; those that went away get staleness markers on the next tick.
    /// </summary>
    public void SetTargets(IEnumerable<ScrapeTarget> targets)
    {
        ArgumentNullException.ThrowIfNull(targets);
        var next = new Dictionary<string, ScrapeTarget>(StringComparer.Ordinal);
        foreach (var target in targets)
        {
            next.TryAdd(target.Key, target);
        }

        foreach (var (key, runtime) in _targets)
        {
            if (!next.ContainsKey(key) && _targets.TryRemove(key, out _))
            {
                _removed.Enqueue(runtime);
            }
        }

        foreach (var (key, target) in next)
        {
            _targets.AddOrUpdate(key, _ => new TargetRuntime(key, target, _seed), (_, existing) => existing.With(target));
        }
    }

    /// <summary>
    /// Scrapes every target with a slot in [<paramref name="from"/>, <paramref name="from"/> + <paramref name="period"/>)
    /// at its slot, and sends staleness markers for removed targets; returns when all are done.
    /// Returns how many scrapes ran.
    /// </summary>
    public async Task<int> RunDueAsync(DateTimeOffset from, TimeSpan period, CancellationToken cancellationToken)
    {
        var work = new List<Task>();
        while (_removed.TryDequeue(out var gone))
        {
            work.Add(StopAsync(gone, cancellationToken));
        }

        var scrapes = 0;
        foreach (var runtime in _targets.Values)
        {
            if (ScrapeSchedule.SlotIn(runtime.Target.Interval, runtime.Offset, from, period) is { } slot && runtime.TryStart())
            {
                scrapes++;
                work.Add(ScrapeAtAsync(runtime, slot, cancellationToken));
            }
        }

        await Task.WhenAll(work);
        return scrapes;
    }

    /// <summary>Scrapes one target now (tests, and a first scrape on startup).</summary>
    public async Task<ScrapeReport> ScrapeNowAsync(string targetKey, CancellationToken cancellationToken)
    {
        var runtime = _targets[targetKey];
        if (!runtime.TryStart())
        {
            throw new InvalidOperationException($"target {targetKey} is being scraped");
        }

        await ScrapeAtAsync(runtime, _time.GetUtcNow(), cancellationToken);
        return runtime.Status.LastReport!;
    }

    private async Task ScrapeAtAsync(TargetRuntime runtime, DateTimeOffset slot, CancellationToken cancellationToken)
    {
        try
        {
            var wait = slot - _time.GetUtcNow();
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait, _time, cancellationToken);
            }

            var target = runtime.Target;
            var loop = await LoopAsync(runtime, cancellationToken);
            var start = _time.GetUtcNow();
            using var response = target.ForcedFailure is { } forced
                ? ScrapeResponse.Failed(forced, TimeSpan.Zero)
                : await _scraper.ScrapeAsync(target, cancellationToken);
            var output = loop.Append(response.Body, response.ContentType, start.ToUnixTimeMilliseconds(), response.Duration, response.Error);
            await _publish(runtime.Key, output.Series, cancellationToken);
            if (loop.PreviousSeriesFingerprint != runtime.SavedFingerprint)
            {
                await _state.SaveAsync(runtime.Key, loop.PreviousSeries, loop.PreviousSeriesFingerprint, cancellationToken);
                runtime.SavedFingerprint = loop.PreviousSeriesFingerprint;
            }

            runtime.Status = runtime.Status with { LastScrape = start, LastReport = output.Report, Metadata = loop.Metadata };
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            throw;
        }
        catch (Exception ex)
        {
            // Publishing or saving failed: the target's health says so; the next slot tries again.
            _log?.Invoke($"scrape of {runtime.Target.Job} {runtime.Target.Url} could not be stored: {ex.Message}");
            runtime.Status = runtime.Status with { LastScrape = _time.GetUtcNow(), LastReport = new ScrapeReport(false, ex.Message, 0, 0, 0, TimeSpan.Zero) };
        }
        finally
        {
            runtime.Finish();
        }
    }

    private async Task<ScrapeLoop> LoopAsync(TargetRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.Loop is { } loop)
        {
            return loop;
        }

        loop = new ScrapeLoop(runtime.Target, _strings);
        if (await _state.LoadAsync(runtime.Key, cancellationToken) is { } saved)
        {
            loop.RestorePreviousSeries(saved.Series);
            runtime.SavedFingerprint = saved.Fingerprint;
        }

        runtime.Loop = loop;
        return loop;
    }

    private async Task StopAsync(TargetRuntime runtime, CancellationToken cancellationToken)
    {
        var loop = await LoopAsync(runtime, cancellationToken);
        await _publish(runtime.Key, loop.Stop(_time.GetUtcNow().ToUnixTimeMilliseconds()), cancellationToken);
        await _state.DeleteAsync(runtime.Key, cancellationToken);
    }

    /// <summary>
    /// A target, its loop in this process, and whether a scrape of it is running. Its key and
    /// offset (each a hash of the target's labels and URL) are computed once, not every tick.
    /// </summary>
    private sealed class TargetRuntime(string key, ScrapeTarget target, ulong seed)
    {
        private int _running;

        public string Key { get; } = key;

        public ScrapeTarget Target { get; private set; } = target;

        public TimeSpan Offset { get; private set; } = target.Offset(seed);

        public ScrapeLoop? Loop { get; set; }

        public ulong SavedFingerprint { get; set; }

        public TargetStatus Status { get; set; } = new(target, null, null);

        /// <summary>The same target (same key) from a new config: settings such as the timeout may differ.</summary>
        public TargetRuntime With(ScrapeTarget updated)
        {
            if (!Equals(updated, Target))
            {
                Offset = updated.Offset(seed);
                Target = updated;
                Loop = null;
                Status = Status with { Target = updated };
            }

            return this;
        }

        public bool TryStart() => Interlocked.CompareExchange(ref _running, 1, 0) == 0;

        public void Finish() => Volatile.Write(ref _running, 0);
    }
}

/// <summary>A target and its latest scrape (null before the first).</summary>
public sealed record TargetStatus(ScrapeTarget Target, DateTimeOffset? LastScrape, ScrapeReport? LastReport)
{
    /// <summary>The metric metadata of the target's latest scrapes in this process.</summary>
    public IReadOnlyList<MetricMetadata> Metadata { get; init; } = [];

    /// <summary>"up", "down" or "unknown", as <c>/api/v1/targets</c> says it.</summary>
    public string Health => LastReport is null ? "unknown" : LastReport.Up ? "up" : "down";
}
