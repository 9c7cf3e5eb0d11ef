using System.Globalization;
using static Serverless.Monitoring.Benchmarks.BenchmarkLog;

namespace Serverless.Monitoring.Benchmarks.Rules;

/// <summary>One evaluation of a group as a server's <c>/metrics</c> showed it.</summary>
internal readonly record struct GroupEvaluation(double Timestamp, double DurationSeconds);

/// <summary>
/// Reads a server's rule group evaluations from its own <c>/metrics</c>, the same way for Prometheus
/// and ours: <c>prometheus_rule_group_last_duration_seconds</c> of each group, taken whenever the
/// group's <c>prometheus_rule_group_last_evaluation_timestamp_seconds</c> changes (both servers set
/// the duration before the timestamp, so a new timestamp comes with its own duration).
/// </summary>
internal static class RuleGroupEvaluations
{
    private const string Duration = "prometheus_rule_group_last_duration_seconds";
    private const string Timestamp = "prometheus_rule_group_last_evaluation_timestamp_seconds";

    /// <summary>
    /// Polls <paramref name="server"/>'s <c>/metrics</c> until each of <paramref name="groups"/> groups was
    /// seen evaluated <paramref name="skip"/> + <paramref name="keep"/> times; returns the last
    /// <paramref name="keep"/> of each, by group name (the part of <c>rule_group</c> after the file).
    /// </summary>
    public static async Task<Dictionary<string, List<GroupEvaluation>>> CollectAsync(
        HttpClient http, Uri server, int groups, int skip, int keep, TimeSpan timeout, Func<string>? describe = null)
    {
        var seen = new Dictionary<string, List<GroupEvaluation>>(StringComparer.Ordinal);
        var deadline = DateTime.UtcNow + timeout;
        var lastReport = DateTime.UtcNow;
        while (seen.Count < groups || seen.Values.Any(e => e.Count < skip + keep))
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{server}: {seen.Count} of {groups} groups seen, fewest evaluations {(seen.Count == 0 ? 0 : seen.Values.Min(e => e.Count))} of {skip + keep} after {timeout}"
                    + (describe is null ? "" : "\n" + describe()));
            }

            var metrics = await ReadAsync(http, server);
            foreach (var (group, ts) in metrics[Timestamp])
            {
                if (ts <= 0 || !metrics[Duration].TryGetValue(group, out var duration))
                {
                    continue;
                }

                if (!seen.TryGetValue(group, out var list))
                {
                    list = [];
                    seen[group] = list;
                }

                if (list.Count == 0 || list[^1].Timestamp != ts)
                {
                    list.Add(new GroupEvaluation(ts, duration));
                }
            }

            if (DateTime.UtcNow - lastReport > TimeSpan.FromSeconds(30))
            {
                lastReport = DateTime.UtcNow;
                Log(string.Create(CultureInfo.InvariantCulture, $"  {seen.Count} groups, evaluations seen per group {(seen.Count == 0 ? 0 : seen.Values.Min(e => e.Count))} to {(seen.Count == 0 ? 0 : seen.Values.Max(e => e.Count))} of {skip + keep}"));
            }

            await Task.Delay(250);
        }

        return seen.ToDictionary(g => g.Key, g => g.Value.Skip(skip).Take(keep).ToList(), StringComparer.Ordinal);
    }

    /// <summary>The sum over a server's groups of a per-group metric (e.g. <c>prometheus_rule_evaluation_failures_total</c>).</summary>
    public static async Task<double> SumAsync(HttpClient http, Uri server, string name) =>
        Parse(await http.GetStringAsync(new Uri(server, "metrics")), name).Values.Sum();

    /// <summary>A per-group metric's values by group name.</summary>
    public static async Task<Dictionary<string, double>> ByGroupAsync(HttpClient http, Uri server, string name) =>
        Parse(await http.GetStringAsync(new Uri(server, "metrics")), name);

    private static async Task<Dictionary<string, Dictionary<string, double>>> ReadAsync(HttpClient http, Uri server)
    {
        var text = await http.GetStringAsync(new Uri(server, "metrics"));
        return new Dictionary<string, Dictionary<string, double>>(StringComparer.Ordinal)
        {
            [Duration] = Parse(text, Duration),
            [Timestamp] = Parse(text, Timestamp),
        };
    }

    /// <summary><c>name{rule_group="file;group"} value</c> lines, by group name.</summary>
    private static Dictionary<string, double> Parse(string text, string name)
    {
        var values = new Dictionary<string, double>(StringComparer.Ordinal);
        var prefix = name + "{rule_group=\"";
        foreach (var line in text.Split('\n'))
        {
            if (!line.StartsWith(prefix, StringComparison.Ordinal))
            {
                continue;
            }

            var end = line.IndexOf("\"}", prefix.Length, StringComparison.Ordinal);
            var key = line[prefix.Length..end];
            var group = key[(key.LastIndexOf(';') + 1)..];
            values[group] = double.Parse(line[(line.LastIndexOf(' ') + 1)..], CultureInfo.InvariantCulture);
        }

        return values;
    }
}
