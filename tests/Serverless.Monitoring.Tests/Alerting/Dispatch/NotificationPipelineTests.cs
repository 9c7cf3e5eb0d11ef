using Microsoft.Extensions.Time.Testing;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Alerting.Inhibit;
using Serverless.Monitoring.Core.Alerting.NotificationLog;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Alerting.Dispatch;

/// <summary>The notify pipeline's order and each stage's effect, on test time.</summary>
public sealed class NotificationPipelineTests
{
    private static readonly DateTimeOffset T0 = new(2024, 5, 1, 12, 0, 0, TimeSpan.Zero);

    private sealed class FakeIntegration(bool sendResolved, params NotifyResult[] script) : INotificationIntegration
    {
        private int _calls;

        public List<(DateTimeOffset At, string Alerts)> Calls { get; } = [];

        public FakeTimeProvider? Time { get; set; }

        public NotificationReceiver Receiver { get; } = new("team", "webhook", 0);

        public bool SendResolved => sendResolved;

        public Task<NotifyResult> NotifyAsync(GroupFlush flush, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
        {
            Calls.Add((Time!.GetUtcNow(), string.Join(',', alerts.Select(a => (a.EndsAt is null ? "" : "~") + a.Labels.Get("alertname")))));
            var result = script.Length == 0 ? NotifyResult.Success : script[Math.Min(_calls, script.Length - 1)];
            _calls++;
            return Task.FromResult(result);
        }
    }

    private sealed class Harness
    {
        public FakeTimeProvider Time { get; } = new(T0);

        public SilenceStore Silences { get; }

        public Inhibitor Inhibitor { get; } = new([new InhibitRule([LabelMatcher.Equal("severity", "critical")], [LabelMatcher.Equal("severity", "warning")], ["svc"])]);

        public NotificationLogStore Log { get; } = new();

        public HashSet<string> IntervalsNow { get; } = [];

        public FakeIntegration Integration { get; }

        public NotificationPipeline Pipeline { get; }

        public Harness(FakeIntegration integration)
        {
            Silences = new SilenceStore(Time);
            Integration = integration;
            integration.Time = Time;
            Pipeline = new NotificationPipeline(Inhibitor, Silences, (name, _) => IntervalsNow.Contains(name), Log, _ => [integration], Time, new RetryBackoff(() => 0.5));
        }

        public async Task<PipelineResult> RunAsync(GroupFlush flush)
        {
            var task = Pipeline.RunAsync(flush, CancellationToken.None);
            while (!task.IsCompleted)
            {
                Time.Advance(TimeSpan.FromMilliseconds(50));
                await Task.Delay(1);
            }

            return await task;
        }
    }

    private static Alert A(string name, string severity = "warning", string svc = "a", bool resolved = false) => new()
    {
        Labels = LabelSet.FromStrings("alertname", name, "severity", severity, "svc", svc),
        StartsAt = T0,
        EndsAt = resolved ? T0 : null,
    };

    private static GroupFlush Flush(RouteOptions? route = null, params Alert[] alerts) =>
        new("{}:{}", route ?? new RouteOptions { Key = "{}", Receiver = "team" }, LabelSet.Empty, alerts, T0, T0.AddSeconds(10));

    [Fact]
    public async Task Inhibited_and_silenced_alerts_are_dropped_before_sending()
    {
        var h = new Harness(new FakeIntegration(true));
        var critical = A("Down", "critical", "a");
        h.Inhibitor.Observe(critical with { EndsAt = T0.AddHours(1) });
        h.Silences.Set(new Silence { Matchers = [new SilenceMatcher("alertname", "Noisy", LabelMatchType.Equal)], StartsAt = T0, EndsAt = T0.AddHours(1) });
        var result = await h.RunAsync(Flush(null, critical, A("Slow", "warning", "a"), A("Slow", "warning", "b"), A("Noisy", "critical", "c")));
        Assert.True(result.Success);
        Assert.Equal("Down,Slow", Assert.Single(h.Integration.Calls).Alerts);
    }

    /// <summary>Route's active and mute intervals, intervals containing now, sent?</summary>
    [Theory]
    [InlineData("", "", "", true)]
    [InlineData("business", "", "business", true)]
    [InlineData("business", "", "", false)]
    [InlineData("", "night", "night", false)]
    [InlineData("", "night", "", true)]
    [InlineData("business", "night", "business night", false)]
    public async Task Time_intervals_gate_the_whole_flush(string active, string mute, string now, bool sent)
    {
        var h = new Harness(new FakeIntegration(true));
        foreach (var n in now.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            h.IntervalsNow.Add(n);
        }

        var route = new RouteOptions
        {
            Key = "{}",
            Receiver = "team",
            ActiveTimeIntervals = active.Split(' ', StringSplitOptions.RemoveEmptyEntries),
            MuteTimeIntervals = mute.Split(' ', StringSplitOptions.RemoveEmptyEntries),
        };
        var result = await h.RunAsync(Flush(route, A("X")));
        Assert.True(result.Success);
        Assert.Equal(sent, h.Integration.Calls.Count == 1);
    }

    [Fact]
    public async Task Dedup_suppresses_a_repeat_until_repeat_interval_then_sends()
    {
        var h = new Harness(new FakeIntegration(true));
        var route = new RouteOptions { Key = "{}", Receiver = "team", RepeatInterval = TimeSpan.FromMinutes(10) };
        await h.RunAsync(Flush(route, A("X")));
        await h.RunAsync(Flush(route, A("X")) with { Now = T0.AddMinutes(5) });
        Assert.Single(h.Integration.Calls);
        h.Time.SetUtcNow(T0.AddMinutes(11));
        await h.RunAsync(Flush(route, A("X")) with { Now = T0.AddMinutes(11), Deadline = T0.AddMinutes(11).AddSeconds(10) });
        Assert.Equal(2, h.Integration.Calls.Count);
    }

    [Fact]
    public async Task Without_send_resolved_a_resolved_only_flush_is_logged_not_sent()
    {
        var h = new Harness(new FakeIntegration(false));
        await h.RunAsync(Flush(null, A("X"), A("Y")));
        await h.RunAsync(Flush(null, A("X"), A("Y", resolved: true)));
        await h.RunAsync(Flush(null, A("X", resolved: true), A("Y", resolved: true)));
        // First: both firing; second: nothing new fires and resolved is not sent; third: all resolved.
        Assert.Equal(["X,Y"], h.Integration.Calls.Select(c => c.Alerts));
        Assert.Empty(h.Log.Query("{}:{}", h.Integration.Receiver)!.FiringAlerts);
    }

    [Fact]
    public async Task Retryable_errors_back_off_exponentially_then_succeed_and_log()
    {
        var h = new Harness(new FakeIntegration(true, new NotifyResult(true, "500"), new NotifyResult(true, "502"), NotifyResult.Success));
        var result = await h.RunAsync(Flush(null, A("X")));
        Assert.True(result.Success);
        var offsets = h.Integration.Calls.Select(c => (c.At - T0).TotalMilliseconds).ToList();
        // Waits of 500 ms then 750 ms (×1.5), seen through the 50 ms steps of the test clock.
        Assert.Equal(3, offsets.Count);
        Assert.InRange(offsets[1] - offsets[0], 500, 550);
        Assert.InRange(offsets[2] - offsets[1], 750, 800);
        Assert.NotNull(h.Log.Query("{}:{}", h.Integration.Receiver));
    }

    [Fact]
    public async Task An_unrecoverable_error_stops_at_once_and_logs_nothing()
    {
        var h = new Harness(new FakeIntegration(true, new NotifyResult(false, "400 bad request")));
        var result = await h.RunAsync(Flush(null, A("X")));
        Assert.False(result.Success);
        Assert.Equal("team/webhook[0]: notify retry canceled due to unrecoverable error after 1 attempts: 400 bad request", Assert.Single(result.Errors));
        Assert.Single(h.Integration.Calls);
        Assert.Null(h.Log.Query("{}:{}", h.Integration.Receiver));
    }

    [Fact]
    public async Task Retries_stop_at_the_deadline()
    {
        var h = new Harness(new FakeIntegration(true, new NotifyResult(true, "503")));
        var result = await h.RunAsync(Flush(null, A("X")));
        Assert.False(result.Success);
        // 0.5 + 0.75 + 1.125 + 1.6875 + 2.53 = 6.6 s; the next wait (3.8 s) crosses the 10 s deadline.
        Assert.Equal(6, h.Integration.Calls.Count);
        Assert.Equal("team/webhook[0]: notify retry canceled after 6 attempts: 503", Assert.Single(result.Errors));
        Assert.All(h.Integration.Calls, c => Assert.True(c.At <= T0.AddSeconds(10)));
    }

    [Fact]
    public void Backoff_grows_by_half_up_to_a_minute_with_jitter_bounds()
    {
        var exact = new RetryBackoff(() => 0.5);
        Assert.Equal([500, 750, 1125], Enumerable.Range(1, 3).Select(i => exact.Delay(i).TotalMilliseconds));
        Assert.Equal(60_000, exact.Delay(50).TotalMilliseconds);
        Assert.Equal(250, new RetryBackoff(() => 0).Delay(1).TotalMilliseconds);
        Assert.InRange(new RetryBackoff(() => 0.999999).Delay(1).TotalMilliseconds, 749, 750);
    }
}
