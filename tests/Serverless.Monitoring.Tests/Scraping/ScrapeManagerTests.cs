using System.Collections.Concurrent;
using System.Text;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Scraping;

public sealed class ScrapeManagerTests : IDisposable
{
    private readonly HttpClient _client = new(HttpScraper.CreateHandler()) { Timeout = Timeout.InfiniteTimeSpan };
    private readonly ConcurrentQueue<(string Key, IReadOnlyList<SeriesSamples> Series)> _published = new();
    private readonly InMemoryScrapeStateStore _state = new();
    private volatile string _body = "# TYPE a gauge\na 1\nb 2\n";

    private ScrapeManager Manager() => new(new HttpScraper(_client), (key, series, _) =>
    {
        _published.Enqueue((key, series));
        return Task.CompletedTask;
    }, _state);

    private static ScrapeTarget Target(LoopbackHttpServer server, string job = "exporter") => new()
    {
        Job = job,
        Url = server.Url("/metrics"),
        Labels = LabelSet.FromStrings("instance", $"127.0.0.1:{server.Port}", "job", job),
        Interval = TimeSpan.FromSeconds(2),
        Timeout = TimeSpan.FromSeconds(2),
    };

    private LoopbackHttpServer Exporter() => new(async context =>
    {
        context.Response.ContentType = "text/plain; version=0.0.4";
        await context.Response.OutputStream.WriteAsync(Encoding.UTF8.GetBytes(_body));
    });

    [Fact]
    public async Task A_tick_scrapes_every_due_target_once_and_publishes_its_samples()
    {
        using var one = Exporter();
        using var two = Exporter();
        var manager = Manager();
        manager.SetTargets([Target(one), Target(two, "other")]);
        Assert.All(manager.Targets, t => Assert.Equal("unknown", t.Health));

        var ran = await manager.RunDueAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2), CancellationToken.None);

        Assert.Equal(2, ran);
        Assert.Equal(2, _published.Count);
        Assert.All(manager.Targets, t => Assert.Equal("up", t.Health));
        var series = _published.SelectMany(p => p.Series).Select(s => s.Labels).ToList();
        Assert.Contains(series, l => l.MetricName == "a" && l.Get("job") == "other");
        Assert.Contains(series, l => l.MetricName == "up" && l.Get("job") == "exporter");
    }

    [Fact]
    public async Task Staleness_carries_across_managers_through_the_state_store()
    {
        using var exporter = Exporter();
        var target = Target(exporter);
        var first = Manager();
        first.SetTargets([target]);
        await first.ScrapeNowAsync(target.Key, CancellationToken.None);

        _body = "a 1\n";
        _published.Clear();
        var second = Manager();
        second.SetTargets([target]);
        await second.ScrapeNowAsync(target.Key, CancellationToken.None);
        var stale = Assert.Single(_published.SelectMany(p => p.Series), s => s.Samples[0].IsStale);
        Assert.Equal("b", stale.Labels.MetricName);
    }

    [Fact]
    public async Task A_target_that_goes_down_and_a_removed_target_go_stale()
    {
        using var exporter = Exporter();
        var target = Target(exporter);
        var manager = Manager();
        manager.SetTargets([target]);
        await manager.ScrapeNowAsync(target.Key, CancellationToken.None);

        exporter.Dispose();
        _published.Clear();
        var report = await manager.ScrapeNowAsync(target.Key, CancellationToken.None);
        Assert.False(report.Up);
        Assert.Equal("down", Assert.Single(manager.Targets).Health);
        var samples = _published.SelectMany(p => p.Series).ToDictionary(s => s.Labels.MetricName, s => s.Samples[0]);
        Assert.Equal(0, samples["up"].Value);
        Assert.True(samples["a"].IsStale && samples["b"].IsStale);

        _published.Clear();
        manager.SetTargets([]);
        await manager.RunDueAsync(DateTimeOffset.UtcNow, TimeSpan.FromSeconds(2), CancellationToken.None);
        Assert.Empty(manager.Targets);
        var gone = _published.SelectMany(p => p.Series).ToList();
        Assert.Contains(gone, s => s.Labels.MetricName == "up" && s.Samples[0].IsStale);
        Assert.Null(await _state.LoadAsync(target.Key, CancellationToken.None));
    }

    [Fact]
    public async Task A_discovery_update_with_unchanged_targets_keeps_their_loops()
    {
        // Every file_sd/http_sd refresh rebuilds the config's targets; unchanged ones must keep
        // their loop, not load their state from the store again.
        using var exporter = Exporter();
        var counting = new CountingStateStore(_state);
        var manager = new ScrapeManager(new HttpScraper(_client), (_, _, _) => Task.CompletedTask, counting);
        var config = Core.Config.PrometheusConfig.Load(
            $"scrape_configs:\n- job_name: x\n  basic_auth:\n    username: u\n    password: p\n" +
            $"  metric_relabel_configs:\n  - action: drop\n    source_labels: [__name__]\n    regex: go_.*\n" +
            $"  static_configs:\n  - targets: ['127.0.0.1:{exporter.Port}']\n");
        var job = Assert.Single(config.ScrapeConfigs);

        var target = Assert.Single(TargetBuilder.Build(job, job.StaticConfigs).Active);
        manager.SetTargets([target]);
        await manager.ScrapeNowAsync(target.Key, CancellationToken.None);
        manager.SetTargets(TargetBuilder.Build(job, job.StaticConfigs).Active);
        await manager.ScrapeNowAsync(target.Key, CancellationToken.None);

        Assert.Equal(1, counting.Loads);
    }

    private sealed class CountingStateStore(IScrapeStateStore inner) : IScrapeStateStore
    {
        public int Loads { get; private set; }

        public Task<SavedScrapeState?> LoadAsync(string targetKey, CancellationToken cancellationToken)
        {
            Loads++;
            return inner.LoadAsync(targetKey, cancellationToken);
        }

        public Task SaveAsync(string targetKey, IReadOnlyCollection<LabelSet> series, ulong fingerprint, CancellationToken cancellationToken) =>
            inner.SaveAsync(targetKey, series, fingerprint, cancellationToken);

        public Task DeleteAsync(string targetKey, CancellationToken cancellationToken) => inner.DeleteAsync(targetKey, cancellationToken);
    }

    public void Dispose() => _client.Dispose();
}
