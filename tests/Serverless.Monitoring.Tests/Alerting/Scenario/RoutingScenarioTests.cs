using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Scenario;

/// <summary>
/// The scripted scenario (about 50 s: alerts posted and resolved, a silence set and expired, an
/// inhibition; group_wait 2s, group_interval 6s) played at the same instants against a real
/// Alertmanager 0.25 and ours, each sending to its own recording sink: the same notifications to
/// the same receivers in the same order, with equal payloads, each arriving within 1.5 s of
/// Alertmanager's. Alertmanager's capture is kept in <c>alertmanager.capture.json</c> (times in
/// bodies relative to the start); a second test plays the scenario on ours alone against it.
/// Set <c>SM_SCENARIO_CAPTURE_DIR</c> to this folder to write both captures anew.
/// </summary>
public sealed class RoutingScenarioTests : IDisposable
{
    private const string ExternalUrl = "http://alertmanager.example:9093";
    private static readonly TimeSpan Tolerance = TimeSpan.FromSeconds(1.5);

    private readonly TempDirectory _work = new("sm-scenario-");
    private readonly HttpClient _http = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));

    public void Dispose()
    {
        _http.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Ours_notifies_as_Alertmanager_does()
    {
        using var upstreamSink = RecordingHttpSink.Start();
        using var oursSink = RecordingHttpSink.Start();
        using var alertmanager = await AlertmanagerFixture.StartAsync(RoutingScenario.Config(upstreamSink.BaseUri), [$"--web.external-url={ExternalUrl}"]);
        using var ours = await StartOursAsync(oursSink);

        var start = Start();
        await RoutingScenario.PlayAsync(_http, [alertmanager.BaseUri, ours.BaseUri], start);
        var upstream = RoutingScenario.Captured(upstreamSink, start);
        var captured = RoutingScenario.Captured(oursSink, start);
        if (Environment.GetEnvironmentVariable("SM_SCENARIO_CAPTURE_DIR") is { Length: > 0 } directory)
        {
            await File.WriteAllTextAsync(Path.Combine(directory, "alertmanager.capture.json"), RoutingScenario.Serialize(upstream));
            await File.WriteAllTextAsync(Path.Combine(directory, "ours.capture.json"), RoutingScenario.Serialize(captured));
        }

        AssertSameNotifications(upstream, captured);
    }

    [Fact]
    public async Task Ours_replays_Alertmanagers_captured_notifications()
    {
        var golden = RoutingScenario.Load("alertmanager.capture.json");
        Assert.NotEmpty(golden);
        using var sink = RecordingHttpSink.Start();
        using var ours = await StartOursAsync(sink);

        var start = Start();
        await RoutingScenario.PlayAsync(_http, [ours.BaseUri], start);
        AssertSameNotifications(golden, RoutingScenario.Captured(sink, start));
    }

    private static void AssertSameNotifications(IReadOnlyList<CapturedNotification> expected, IReadOnlyList<CapturedNotification> actual)
    {
        Assert.Equal(expected.Select(n => $"{n.Path} {n.Body}"), actual.Select(n => $"{n.Path} {n.Body}"));
        for (var i = 0; i < expected.Count; i++)
        {
            var late = Math.Abs(actual[i].Offset - expected[i].Offset);
            Assert.True(late <= Tolerance.TotalSeconds, $"notification {i + 1} ({actual[i].Path}) at {actual[i].Offset:0.000}s, Alertmanager's at {expected[i].Offset:0.000}s");
        }
    }

    // A whole second a little ahead: both servers are up, and posted times are whole seconds.
    private static DateTimeOffset Start() => DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds() + 2);

    private async Task<MonitoringHostProcess> StartOursAsync(RecordingHttpSink sink)
    {
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
        await File.WriteAllTextAsync(_work.Combine("alertmanager.yml"), RoutingScenario.Config(sink.BaseUri));
        return await MonitoringHostProcess.StartAsync(_work.Path, new Dictionary<string, string?>(),
        [
            $"--config.file={_work.Combine("prometheus.yml")}",
            $"--alertmanager.config.file={_work.Combine("alertmanager.yml")}",
            $"--storage.tsdb.path={_work.Combine("data")}",
            $"--web.external-url={ExternalUrl}",
        ]);
    }
}
