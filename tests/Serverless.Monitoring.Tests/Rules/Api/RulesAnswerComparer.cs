using System.Globalization;
using System.Text;
using System.Text.Json;

namespace Serverless.Monitoring.Tests.Rules.Api;

/// <summary>
/// Compares <c>/api/v1/rules</c> and <c>/api/v1/alerts</c> answers of two servers evaluating the same
/// rules on their own grids: everything but the evaluation instants as text (groups, files by name,
/// rules, health, errors, states, alerts sorted by labels with their values), the field order of
/// what both print, and the instants within a tolerance. Fields a Prometheus 2.42 lacks compared
/// with ours (3.x) are left out of the order check and listed by <see cref="ExtraFields"/>.
/// </summary>
internal static class RulesAnswerComparer
{
    /// <summary>The rules as text, one line per group, rule and alert, without instants and durations of evaluation.</summary>
    public static string Rules(JsonElement data)
    {
        var sb = new StringBuilder();
        foreach (var group in data.GetProperty("groups").EnumerateArray())
        {
            sb.Append(CultureInfo.InvariantCulture, $"group {Str(group, "name")} file={Path.GetFileName(Str(group, "file"))} interval={Raw(group, "interval")} limit={Raw(group, "limit")}\n");
            foreach (var rule in group.GetProperty("rules").EnumerateArray())
            {
                sb.Append(CultureInfo.InvariantCulture, $"  {Str(rule, "type")} {Str(rule, "name")} query={Str(rule, "query")} labels={Labels(rule, "labels")} health={Str(rule, "health")} lastError={Str(rule, "lastError")}");
                if (Str(rule, "type") == "alerting")
                {
                    sb.Append(CultureInfo.InvariantCulture, $" state={Str(rule, "state")} duration={Raw(rule, "duration")} keepFiringFor={Raw(rule, "keepFiringFor")} annotations={Labels(rule, "annotations")}");
                }

                sb.Append('\n');
                if (rule.TryGetProperty("alerts", out var alerts) && alerts.ValueKind == JsonValueKind.Array)
                {
                    sb.Append(Alerts(alerts, "    "));
                }
            }
        }

        return sb.ToString();
    }

    /// <summary>Alerts as text, sorted by labels.</summary>
    public static string Alerts(JsonElement alerts, string indent = "") =>
        string.Concat(alerts.EnumerateArray()
            .Select(a => $"{indent}alert {Labels(a, "labels")} annotations={Labels(a, "annotations")} state={Str(a, "state")} value={Str(a, "value")} keepFiringSince={a.TryGetProperty("keepFiringSince", out _)}\n")
            .Order(StringComparer.Ordinal));

    /// <summary>
    /// Field order problems: for each group, rule and alert (alerts matched by labels), the fields
    /// <paramref name="reference"/> prints must come in the same order in <paramref name="ours"/>, and
    /// ours may print only those plus <paramref name="allowedExtra"/>.
    /// </summary>
    public static List<string> FieldOrder(JsonElement reference, JsonElement ours, IReadOnlySet<string> allowedExtra)
    {
        var problems = new List<string>();
        foreach (var (path, theirNames, ourNames) in Objects(reference, ours))
        {
            if (!ourNames.Where(theirNames.Contains).SequenceEqual(theirNames))
            {
                problems.Add($"{path}: fields {string.Join(',', ourNames)}, Prometheus {string.Join(',', theirNames)}");
            }

            var extra = ourNames.Except(theirNames).Except(allowedExtra).ToList();
            if (extra.Count > 0)
            {
                problems.Add($"{path}: fields Prometheus does not print: {string.Join(',', extra)}");
            }
        }

        return problems;
    }

    /// <summary>Every field name ours prints that the reference does not, over groups, rules and alerts.</summary>
    public static SortedSet<string> ExtraFields(JsonElement reference, JsonElement ours) =>
        new(Objects(reference, ours).SelectMany(o => o.Ours.Except(o.Theirs)), StringComparer.Ordinal);

    /// <summary>The field names of each group, rule and alert (alerts matched by labels) printed by both.</summary>
    private static IEnumerable<(string Path, List<string> Theirs, List<string> Ours)> Objects(JsonElement reference, JsonElement ours)
    {
        static List<string> Names(JsonElement item) => [.. item.EnumerateObject().Select(p => p.Name)];

        return Pairs(reference, ours).Select(p => (p.Path, Names(p.Theirs), Names(p.Ours)));
    }

    /// <summary>The alerts of two <c>/api/v1/alerts</c> answers, matched by labels.</summary>
    public static IEnumerable<(string Path, JsonElement Theirs, JsonElement Ours)> AlertPairs(JsonElement theirAlerts, JsonElement ourAlerts)
    {
        var byLabels = ourAlerts.EnumerateArray().ToDictionary(a => Labels(a, "labels"));
        foreach (var alert in theirAlerts.EnumerateArray())
        {
            if (byLabels.TryGetValue(Labels(alert, "labels"), out var ourAlert))
            {
                yield return ($"alert {Labels(alert, "labels")}", alert, ourAlert);
            }
        }
    }

    /// <summary>Each group, rule and alert (alerts matched by labels) of two <c>/api/v1/rules</c> answers.</summary>
    public static IEnumerable<(string Path, JsonElement Theirs, JsonElement Ours)> Pairs(JsonElement reference, JsonElement ours)
    {
        foreach (var (their, our) in reference.GetProperty("groups").EnumerateArray().Zip(ours.GetProperty("groups").EnumerateArray()))
        {
            var path = $"group {Str(their, "name")}";
            yield return (path, their, our);
            foreach (var (theirRule, ourRule) in their.GetProperty("rules").EnumerateArray().Zip(our.GetProperty("rules").EnumerateArray()))
            {
                var rulePath = $"{path} rule {Str(theirRule, "name")}";
                yield return (rulePath, theirRule, ourRule);
                if (theirRule.TryGetProperty("alerts", out var theirAlerts) && theirAlerts.ValueKind == JsonValueKind.Array
                    && ourRule.TryGetProperty("alerts", out var ourAlerts) && ourAlerts.ValueKind == JsonValueKind.Array)
                {
                    foreach (var (alertPath, alert, ourAlert) in AlertPairs(theirAlerts, ourAlerts))
                    {
                        yield return ($"{rulePath} {alertPath}", alert, ourAlert);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Fields whose bytes differ where both servers print them, groups, rules and alerts alike, but
    /// for the instants of evaluation, the file's directory and the nested lists (compared item by
    /// item). Prometheus 2.42 writes label sets with encoding/json, which escapes &lt;, &gt; and &amp;;
    /// 3.x writes them unescaped: the reference's label sets are compared with those escapes undone,
    /// and <paramref name="escapedLabelSets"/> counts the label sets where that mattered.
    /// </summary>
    public static List<string> RawDifferences(IEnumerable<(string Path, JsonElement Theirs, JsonElement Ours)> pairs, out int escapedLabelSets)
    {
        var problems = new List<string>();
        var escaped = 0;
        foreach (var (path, their, our) in pairs)
        {
            foreach (var field in their.EnumerateObject())
            {
                if (field.Name is "lastEvaluation" or "evaluationTime" or "activeAt" or "keepFiringSince" or "file" or "rules" or "alerts"
                    || !our.TryGetProperty(field.Name, out var value))
                {
                    continue;
                }

                var expected = field.Value.GetRawText();
                if (field.Name is "labels" or "annotations")
                {
                    var unescaped = expected.Replace("\\u003c", "<", StringComparison.Ordinal).Replace("\\u003e", ">", StringComparison.Ordinal).Replace("\\u0026", "&", StringComparison.Ordinal);
                    escaped += unescaped == expected ? 0 : 1;
                    expected = unescaped;
                }

                if (value.GetRawText() != expected)
                {
                    problems.Add($"{path}: {field.Name} is {value.GetRawText()}, Prometheus {field.Value.GetRawText()}");
                }
            }
        }

        escapedLabelSets = escaped;
        return problems;
    }

    /// <summary>
    /// Instants out of tolerance: every <c>lastEvaluation</c> within <paramref name="freshness"/> before
    /// <paramref name="now"/> and not after it, every <c>evaluationTime</c> a number from 0 to 1 s, and
    /// each alert's <c>activeAt</c> within <paramref name="skew"/> of the reference's same alert.
    /// </summary>
    public static List<string> Instants(JsonElement reference, JsonElement ours, DateTimeOffset now, TimeSpan freshness, TimeSpan skew)
    {
        var problems = new List<string>();
        var referenceActiveAt = ActiveAt(reference);
        foreach (var (server, data) in new[] { ("Prometheus", reference), ("ours", ours) })
        {
            foreach (var group in data.GetProperty("groups").EnumerateArray())
            {
                foreach (var item in group.GetProperty("rules").EnumerateArray().Prepend(group))
                {
                    var what = $"{server} {Str(group, "name")}/{Str(item, "name")}";
                    var last = DateTimeOffset.Parse(Str(item, "lastEvaluation"), CultureInfo.InvariantCulture);
                    if (last < now - freshness || last > now + TimeSpan.FromSeconds(1))
                    {
                        problems.Add($"{what}: lastEvaluation {Str(item, "lastEvaluation")} is not within {freshness} before {now:O}");
                    }

                    var took = item.GetProperty("evaluationTime").GetDouble();
                    if (took is < 0 or > 1)
                    {
                        problems.Add($"{what}: evaluationTime {took}");
                    }
                }
            }
        }

        foreach (var (key, activeAt) in ActiveAt(ours))
        {
            if (referenceActiveAt.TryGetValue(key, out var theirs) && (activeAt - theirs).Duration() > skew)
            {
                problems.Add($"{key}: activeAt {activeAt:O}, Prometheus {theirs:O}");
            }
        }

        return problems;
    }

    public static string Labels(JsonElement item, string name) =>
        item.TryGetProperty(name, out var labels)
            ? "{" + string.Join(',', labels.EnumerateObject().Select(p => $"{p.Name}={JsonSerializer.Serialize(p.Value.GetString())}").Order(StringComparer.Ordinal)) + "}"
            : "{}";

    private static Dictionary<string, DateTimeOffset> ActiveAt(JsonElement data) =>
        data.GetProperty("groups").EnumerateArray()
            .SelectMany(g => g.GetProperty("rules").EnumerateArray())
            .Where(r => r.TryGetProperty("alerts", out var a) && a.ValueKind == JsonValueKind.Array)
            .SelectMany(r => r.GetProperty("alerts").EnumerateArray())
            .ToDictionary(a => Labels(a, "labels"), a => DateTimeOffset.Parse(Str(a, "activeAt"), CultureInfo.InvariantCulture));

    private static string Str(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.GetString() ?? string.Empty : string.Empty;

    private static string Raw(JsonElement item, string name) =>
        item.TryGetProperty(name, out var value) ? value.GetRawText() : "-";
}
