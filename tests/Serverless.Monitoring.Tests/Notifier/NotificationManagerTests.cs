using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Notifier;

/// <summary>
/// The notifier against loopback Alertmanagers that answer as told, and against a real
/// Alertmanager 0.25: queueing and drops, batches of 256, which failures drop a batch, timeouts,
/// and the <c>prometheus_notifications_*</c> metrics.
/// </summary>
public sealed class NotificationManagerTests
{
    private static readonly DateTimeOffset At = DateTimeOffset.UtcNow;

    private static NotifierAlert Alert(int i) =>
        new(LabelSet.FromStrings("alertname", "Test", "n", i.ToString(CultureInfo.InvariantCulture)), LabelSet.Empty, At, At.AddMinutes(4), "http://127.0.0.1/graph");

    private static PrometheusConfig Config(params string[] alertmanagerEntries) =>
        PrometheusConfig.Load("alerting:\n  alertmanagers:\n" + string.Concat(alertmanagerEntries.Select(e => "    - " + e.ReplaceLineEndings("\n      ") + "\n")));

    private static string Static(Uri server, string extra = "") =>
        $"static_configs: [{{ targets: ['{server.Authority}'] }}]" + (extra.Length > 0 ? "\n" + extra : string.Empty);

    private static string Exposition(MetricRegistry metrics)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>();
        metrics.WriteTo(buffer);
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    [Fact]
    public void A_full_queue_drops_the_oldest_alerts_and_counts_them()
    {
        var metrics = new MetricRegistry();
        var notifier = new NotificationManager(metrics, queueCapacity: 3);

        notifier.Enqueue([Alert(1), Alert(2)]);
        notifier.Enqueue([Alert(3), Alert(4), Alert(5)]);

        Assert.Equal(3, notifier.QueueLength);
        var text = Exposition(metrics);
        Assert.Contains("prometheus_notifications_dropped_total 2", text, StringComparison.Ordinal);
        Assert.Contains("prometheus_notifications_queue_length 3", text, StringComparison.Ordinal);
        Assert.Contains("prometheus_notifications_queue_capacity 3", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Alerts_go_in_batches_of_256_to_every_Alertmanager_with_the_v2_path()
    {
        using var first = RecordingHttpServer.Start(_ => new RecordedResponse(200));
        using var second = RecordingHttpServer.Start(_ => new RecordedResponse(200));
        var metrics = new MetricRegistry();
        await using var notifier = new NotificationManager(metrics);
        await notifier.ApplyConfigAsync(Config(Static(first.BaseUri), Static(second.BaseUri, "path_prefix: /am")), CancellationToken.None);

        notifier.Enqueue(Enumerable.Range(0, 600).Select(Alert));
        var result = await notifier.FlushAsync(CancellationToken.None);

        Assert.Equal((3, 600, 0, 2), (result.Batches, result.Alerts, result.Dropped, result.Alertmanagers));
        Assert.Equal([256, 256, 88], first.Requests.Select(r => JsonDocument.Parse(r.Body).RootElement.GetArrayLength()));
        Assert.All(first.Requests, r => Assert.Equal(("POST", "/api/v2/alerts", "application/json"), (r.Method, r.PathAndQuery, r.Header("Content-Type"))));
        Assert.All(second.Requests, r => Assert.Equal("/am/api/v2/alerts", r.PathAndQuery));
        var text = Exposition(metrics);
        Assert.Contains($"prometheus_notifications_sent_total{{alertmanager=\"{first.BaseUri}api/v2/alerts\"}} 600", text, StringComparison.Ordinal);
        Assert.Contains("prometheus_notifications_delivered_total 600", text, StringComparison.Ordinal);
        Assert.Contains("prometheus_notifications_dropped_total 0", text, StringComparison.Ordinal);
        Assert.Contains("prometheus_notifications_alertmanagers_discovered 2", text, StringComparison.Ordinal);
    }

    public static TheoryData<int[][], bool> Coverage => new()
    {
        // status per Alertmanager, per set → delivered?
        { [[200]], true },
        { [[500]], false },
        { [[500, 200]], true },
        { [[200], [503]], false },
        { [[200], [404, 202]], true },
    };

    [Theory]
    [MemberData(nameof(Coverage))]
    public async Task A_batch_is_dropped_unless_every_set_has_an_Alertmanager_that_took_it(int[][] statuses, bool delivered)
    {
        var servers = statuses.Select(set => set.Select(status => RecordingHttpServer.Start(_ => new RecordedResponse(status))).ToList()).ToList();
        try
        {
            var metrics = new MetricRegistry();
            await using var notifier = new NotificationManager(metrics);
            var entries = servers.Select(set => $"static_configs: [{{ targets: [{string.Join(", ", set.Select(s => $"'{s.BaseUri.Authority}'"))}] }}]").ToArray();
            await notifier.ApplyConfigAsync(Config(entries), CancellationToken.None);
            notifier.Enqueue([Alert(1), Alert(2)]);

            var outcome = await notifier.SendBatchAsync(CancellationToken.None);

            Assert.Equal(delivered, outcome.Delivered);
            Assert.Equal(statuses.Sum(s => s.Length), outcome.Posts);
            var text = Exposition(metrics);
            Assert.Contains($"prometheus_notifications_dropped_total {(delivered ? 0 : 2)}", text, StringComparison.Ordinal);
            foreach (var failing in servers.SelectMany(s => s).Where((_, i) => statuses.SelectMany(s => s).ElementAt(i) / 100 != 2))
            {
                Assert.Contains($"prometheus_notifications_errors_total{{alertmanager=\"{failing.BaseUri}api/v2/alerts\"}} 2", text, StringComparison.Ordinal);
            }
        }
        finally
        {
            foreach (var server in servers.SelectMany(s => s))
            {
                server.Dispose();
            }
        }
    }

    [Fact]
    public async Task A_slow_Alertmanager_times_out_at_its_timeout_and_the_batch_is_dropped()
    {
        var logged = new List<string>();
        using var slow = new LoopbackHttpServer(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(10));
            context.Response.StatusCode = 200;
        });
        await using var notifier = new NotificationManager(new MetricRegistry(), log: logged.Add);
        await notifier.ApplyConfigAsync(Config($"timeout: 300ms\nstatic_configs: [{{ targets: ['127.0.0.1:{slow.Port}'] }}]"), CancellationToken.None);
        notifier.Enqueue([Alert(1)]);

        var started = DateTime.UtcNow;
        var outcome = await notifier.SendBatchAsync(CancellationToken.None);

        Assert.False(outcome.Delivered);
        Assert.True(DateTime.UtcNow - started < TimeSpan.FromSeconds(8), "the send waited for the slow Alertmanager instead of its timeout");
        Assert.Contains(logged, line => line.Contains("context deadline exceeded", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_real_Alertmanager_receives_the_alerts_with_their_labels()
    {
        using var alertmanager = await AlertmanagerFixture.StartAsync();
        await using var notifier = new NotificationManager(new MetricRegistry());
        await notifier.ApplyConfigAsync(
            PrometheusConfig.Load($"global:\n  external_labels: {{ cluster: test }}\nalerting:\n  alertmanagers:\n    - static_configs: [{{ targets: ['127.0.0.1:{alertmanager.Port}'] }}]\n"),
            CancellationToken.None);
        notifier.Enqueue([new NotifierAlert(
            LabelSet.FromStrings("alertname", "DiskFull", "instance", "host-1", "severity", "page"),
            LabelSet.FromStrings("summary", "disk full on host-1"),
            DateTimeOffset.UtcNow.AddMinutes(-1),
            DateTimeOffset.UtcNow.AddMinutes(4),
            "http://127.0.0.1:9090/graph?g0.expr=disk&g0.tab=1")]);

        var result = await notifier.FlushAsync(CancellationToken.None);
        Assert.Equal(0, result.Dropped);

        using var client = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));
        using var listed = JsonDocument.Parse(await client.GetStringAsync(new Uri(alertmanager.BaseUri, "api/v2/alerts")));
        var alert = Assert.Single(listed.RootElement.EnumerateArray());
        var labels = alert.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["alertname"] = "DiskFull", ["cluster"] = "test", ["instance"] = "host-1", ["severity"] = "page" }, labels);
        Assert.Equal("disk full on host-1", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
        Assert.Equal("http://127.0.0.1:9090/graph?g0.expr=disk&g0.tab=1", alert.GetProperty("generatorURL").GetString());
    }
}
