using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Serverless.Monitoring.Tests.Fixtures;
using Xunit.Abstractions;

namespace Serverless.Monitoring.Tests.Rules.Hosting;

/// <summary>
/// The real server stopped (SIGTERM) in the middle of a <c>for: 5m</c> and started again on the
/// same data folder: the alert gets its <c>for</c> state back from the stored
/// <c>ALERTS_FOR_STATE</c> series, as upstream's <c>RestoreForState</c> does.
/// </summary>
public sealed class ForStateRestartTests(ITestOutputHelper output) : IDisposable
{
    private static readonly TimeSpan Downtime = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan PendingBeforeStop = TimeSpan.FromSeconds(8);

    private readonly TempDirectory _work = new("sm-rules-restart-");

    /// <summary>
    /// With <c>for: 5m</c> and a grace period of 1m, the time left at the stop (about 4m50s) is more
    /// than the grace period, so upstream shifts ActiveAt by the downtime:
    /// <c>restored = activeAt + (restoreTime - downAt)</c>, where <c>downAt</c> is the last stored
    /// <c>ALERTS_FOR_STATE</c> sample's time and <c>activeAt</c> its value, both in whole seconds. The
    /// alert has then been pending exactly as long as before the stop. <c>restoreTime</c> is the wall
    /// clock right after the second evaluation after the start, so it lies between that evaluation's slot
    /// and the next one, the first to write <c>ALERTS_FOR_STATE</c> again: that slot, read back from
    /// storage, pins the expected value to the one second that evaluation jitter leaves open.
    /// </summary>
    [Fact]
    public async Task A_restart_in_the_middle_of_for_5m_restores_the_alert_shifted_by_the_downtime()
    {
        await File.WriteAllTextAsync(_work.Combine("rules.yml"), """
            groups:
              - name: restart
                interval: 1s
                rules:
                  - alert: PendingFiveMinutes
                    expr: vector(1)
                    for: 5m
            """);
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "rule_files: ['rules.yml']\n");
        string[] args =
        [
            $"--config.file={_work.Combine("prometheus.yml")}",
            $"--storage.tsdb.path={_work.Combine("data")}",
            "--rules.alert.for-grace-period=1m",
            "--rules.alert.for-outage-tolerance=1h",
        ];
        using var http = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));

        // Before: pending for a while, ALERTS_FOR_STATE stored through the bus.
        long activeAt;
        DateTimeOffset stoppedAt;
        using (var first = await MonitoringHostProcess.StartAsync(_work.Path, new Dictionary<string, string?>(), args))
        {
            var before = await WaitForSamplesAsync(http, first, s => s.Count > 0 && s[^1].TimestampMs - s[0].TimestampMs >= PendingBeforeStop.TotalMilliseconds);
            activeAt = before[0].Value;
            Assert.All(before, s => Assert.Equal(activeAt, s.Value));
            Assert.Contains("\"alertstate\":\"pending\"", await QueryAsync(http, first, "ALERTS"), StringComparison.Ordinal);

            SendSigterm(first.Process.Id);
            var exitCode = await first.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(exitCode == 0, first.Process.Describe($"exited with code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running after SIGTERM)"}"));
            stoppedAt = DateTimeOffset.UtcNow;
        }

        await Task.Delay(Downtime);
        using var second = await MonitoringHostProcess.StartAsync(_work.Path, new Dictionary<string, string?>(), args);
        var stopMs = stoppedAt.ToUnixTimeMilliseconds();
        var all = await WaitForSamplesAsync(http, second, s => s.Count(x => x.TimestampMs > stopMs) >= 3);
        var stored = all.Where(s => s.TimestampMs <= stopMs).ToList();
        var after = all.Where(s => s.TimestampMs > stopMs).ToList();
        Assert.All(stored, s => Assert.Equal(activeAt, s.Value));

        var restored = after[0].Value;
        Assert.All(after, s => Assert.Equal(restored, s.Value));

        // The restore ran between the second evaluation's slot and the first slot that wrote again;
        // slots are 1 s apart unless some were missed (counted by the server).
        var missed = await MissedIterationsAsync(http, second);
        var downAt = stored[^1].TimestampMs / 1000;
        var firstWrite = after[0].TimestampMs;
        var earliest = activeAt + FloorSeconds(firstWrite - ((1 + missed) * 1000)) - downAt;
        var latest = activeAt + FloorSeconds(firstWrite - 1) - downAt;
        output.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"ActiveAt {activeAt}; last sample before the stop {stored[^1].TimestampMs} ms; first after the restart {firstWrite} ms; missed {missed}; restored ActiveAt {restored} (expected {earliest} to {latest})"));
        Assert.True(
            restored >= earliest && restored <= latest,
            $"restored ActiveAt {restored}, expected {earliest} to {latest}: stored ActiveAt {activeAt}, last sample before the stop at {downAt} s, "
            + $"first sample after the restart at {firstWrite} ms, {missed} missed iterations\n{second.Process.Output}");

        // Shifted by at least the downtime, and earlier than the first evaluation after the restart (the
        // ActiveAt a fresh alert would get): the time already spent pending carries over.
        Assert.True(restored - activeAt >= (long)Downtime.TotalSeconds, $"restored {restored}, stored {activeAt}");
        var firstEvaluation = FloorSeconds(firstWrite - ((2 + missed) * 1000));
        Assert.True(restored < firstEvaluation, $"restored {restored}, first evaluation after the restart at {firstEvaluation} s or later");
        var alerts = await QueryAsync(http, second, "ALERTS");
        Assert.Contains("\"alertstate\":\"pending\"", alerts, StringComparison.Ordinal);
        Assert.DoesNotContain("\"alertstate\":\"firing\"", alerts, StringComparison.Ordinal);
    }

    public void Dispose() => _work.Dispose();

    private static long FloorSeconds(long ms) => (long)Math.Floor(ms / 1000.0);

    private static void SendSigterm(int pid)
    {
        using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", pid.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
        kill.WaitForExit();
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Polls the raw <c>ALERTS_FOR_STATE</c> samples of the last 10 minutes until <paramref name="done"/> holds.</summary>
    private static async Task<List<(long TimestampMs, long Value)>> WaitForSamplesAsync(
        HttpClient http, MonitoringHostProcess host, Func<List<(long TimestampMs, long Value)>, bool> done)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        var samples = new List<(long, long)>();
        while (DateTime.UtcNow < deadline)
        {
            samples = ReadMatrix(await QueryAsync(http, host, "ALERTS_FOR_STATE{alertname=\"PendingFiveMinutes\"}[10m]"));
            if (done(samples))
            {
                return samples;
            }

            await Task.Delay(250);
        }

        throw new TimeoutException(host.Process.Describe($"ALERTS_FOR_STATE did not get the expected samples within 60 s; last seen {samples.Count}"));
    }

    private static async Task<string> QueryAsync(HttpClient http, MonitoringHostProcess host, string query) =>
        await http.GetStringAsync(new Uri(host.BaseUri, "api/v1/query?query=" + Uri.EscapeDataString(query)));

    private static List<(long TimestampMs, long Value)> ReadMatrix(string json)
    {
        using var document = JsonDocument.Parse(json);
        var result = document.RootElement.GetProperty("data").GetProperty("result");
        if (result.GetArrayLength() == 0)
        {
            return [];
        }

        return
        [
            .. Assert.Single(result.EnumerateArray()).GetProperty("values").EnumerateArray().Select(p => (
                (long)Math.Round(p[0].GetDecimal() * 1000),
                long.Parse(p[1].GetString()!, CultureInfo.InvariantCulture))),
        ];
    }

    private static async Task<long> MissedIterationsAsync(HttpClient http, MonitoringHostProcess host)
    {
        var metrics = await http.GetStringAsync(new Uri(host.BaseUri, "metrics"));
        var line = metrics.Split('\n').Single(l => l.StartsWith("prometheus_rule_group_iterations_missed_total{", StringComparison.Ordinal));
        return long.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
    }
}
