using System.Globalization;
using System.Text.Json;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Rules.Evaluation;

/// <summary>
/// The grid against a real Prometheus (Debian's 2.42, whose labels hash is the
/// <see cref="RuleGroupHash.Prometheus2"/> one): an alert's <c>activeAt</c> is the slot of the
/// group's first evaluation, to the nanosecond, so it shows the phase exactly.
/// </summary>
public sealed class SchedulePhaseAgainstPrometheusTests
{
    private static readonly (string Name, int Seconds)[] Groups = [("phase-a", 3), ("phase-b", 5), ("phase-c", 7)];

    [Fact]
    public async Task Prometheus_evaluates_each_group_at_our_phase()
    {
        var rules = "groups:\n" + string.Concat(Groups.Select(g =>
            $"  - name: {g.Name}\n    interval: {g.Seconds}s\n    rules:\n      - alert: A_{g.Name.Replace('-', '_')}\n        expr: vector(1)\n"));
        var options = new PrometheusOptions
        {
            ConfigYaml = "global:\n  evaluation_interval: 3s\nrule_files:\n  - rules.yml\n",
        };
        options.Files["rules.yml"] = rules;
        await using var prometheus = await PrometheusFixture.StartAsync(options);
        using var http = LoopbackHttp.CreateClient();

        var seen = new Dictionary<string, (string File, long ActiveAt)>();
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (seen.Count < Groups.Length && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            using var doc = JsonDocument.Parse(await http.GetStringAsync(prometheus.GetUri("api/v1/rules")));
            foreach (var group in doc.RootElement.GetProperty("data").GetProperty("groups").EnumerateArray())
            {
                var alerts = group.GetProperty("rules")[0].GetProperty("alerts");
                if (alerts.GetArrayLength() > 0)
                {
                    seen[group.GetProperty("name").GetString()!] = (group.GetProperty("file").GetString()!, ParseNanos(alerts[0].GetProperty("activeAt").GetString()!));
                }
            }
        }

        Assert.Equal(Groups.Length, seen.Count);
        foreach (var (name, seconds) in Groups)
        {
            var (file, activeAt) = seen[name];
            var schedule = RuleGroupSchedule.For(name, file, TimeSpan.FromSeconds(seconds), RuleGroupHash.Prometheus2);
            Assert.Equal(schedule.OffsetNanos, activeAt % schedule.IntervalNanos);
            Assert.Equal(activeAt, schedule.SlotAtOrBefore(activeAt));
        }
    }

    /// <summary>Go's RFC 3339 with up to nine fraction digits, to Unix nanoseconds.</summary>
    private static long ParseNanos(string text)
    {
        var dot = text.IndexOf('.', StringComparison.Ordinal);
        var fraction = 0L;
        var whole = text;
        if (dot >= 0)
        {
            var end = text.IndexOfAny(['Z', '+', '-'], dot);
            var digits = text[(dot + 1)..end];
            fraction = long.Parse(digits.PadRight(9, '0'), CultureInfo.InvariantCulture);
            whole = text[..dot] + text[end..];
        }

        var instant = DateTimeOffset.Parse(whole, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);
        return (instant.ToUnixTimeSeconds() * RuleTime.NanosPerSecond) + fraction;
    }
}
