using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.RegularExpressions;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Scenario;

/// <summary>One step of <c>scenario.txt</c>.</summary>
internal sealed record ScenarioStep(int At, string Action, string Argument, IReadOnlyList<KeyValuePair<string, string>> Labels);

/// <summary>One notification as captured: when after the scenario's start, where to, and its body with times made relative.</summary>
internal sealed record CapturedNotification(double Offset, string Path, string Body);

/// <summary>
/// The scripted alert-routing scenario (<c>scenario.txt</c>, <c>alertmanager.yml</c>): its steps are
/// played against one or more Alertmanager API v2 servers at the same instants (the same alerts,
/// with the same times, to each), and each server's notifications are read back from its sink.
/// </summary>
internal static partial class RoutingScenario
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static readonly string Directory = Path.Combine(AppContext.BaseDirectory, "Alerting", "Scenario");

    public static string Config(Uri sink) =>
        File.ReadAllText(Path.Combine(Directory, "alertmanager.yml")).Replace("{SINK}", sink.ToString().TrimEnd('/'), StringComparison.Ordinal);

    public static IReadOnlyList<ScenarioStep> Steps() =>
        [.. File.ReadAllLines(Path.Combine(Directory, "scenario.txt"))
            .Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Select(p => new ScenarioStep(
                int.Parse(p[0], CultureInfo.InvariantCulture),
                p[1],
                p.Length > 2 ? p[2] : "",
                [.. p.Skip(3).Select(kv => kv.Split('=', 2)).Select(kv => KeyValuePair.Create(kv[0], kv[1]))]))];

    /// <summary>Plays every step on every server at <paramref name="start"/> + its second; returns at the end step.</summary>
    public static async Task PlayAsync(HttpClient http, IReadOnlyList<Uri> servers, DateTimeOffset start)
    {
        var silences = servers.Select(_ => new Dictionary<string, string>(StringComparer.Ordinal)).ToArray();
        var startedAt = new Dictionary<string, DateTimeOffset>(StringComparer.Ordinal);
        foreach (var step in Steps())
        {
            var at = start.AddSeconds(step.At);
            var wait = at - DateTimeOffset.UtcNow;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }

            switch (step.Action)
            {
                case "post":
                case "resolve":
                    var key = step.Argument + string.Concat(step.Labels.Select(l => $",{l.Key}={l.Value}"));
                    if (step.Action == "post")
                    {
                        startedAt[key] = at;
                    }

                    var alert = new Dictionary<string, object>
                    {
                        ["labels"] = new Dictionary<string, string>(step.Labels) { ["alertname"] = step.Argument },
                        ["annotations"] = new Dictionary<string, string> { ["summary"] = $"{step.Argument} <{step.Labels[0].Value}>" },
                        ["startsAt"] = Time(startedAt[key]),
                        ["generatorURL"] = "http://prometheus.example/graph?g0.expr=up&g0.tab=1",
                    };
                    if (step.Action == "resolve")
                    {
                        alert["endsAt"] = Time(at);
                    }

                    await Task.WhenAll(servers.Select(s => PostAsync(http, new Uri(s, "api/v2/alerts"), JsonSerializer.Serialize(new[] { alert }))));
                    break;
                case "silence":
                    var silence = JsonSerializer.Serialize(new
                    {
                        matchers = step.Labels.Select(l => new { name = l.Key, value = l.Value, isRegex = false, isEqual = true }),
                        startsAt = Time(at),
                        endsAt = Time(at.AddHours(1)),
                        createdBy = "scenario",
                        comment = step.Argument,
                    });
                    var ids = await Task.WhenAll(servers.Select(s => PostAsync(http, new Uri(s, "api/v2/silences"), silence)));
                    for (var i = 0; i < servers.Count; i++)
                    {
                        silences[i][step.Argument] = JsonDocument.Parse(ids[i]).RootElement.GetProperty("silenceID").GetString()!;
                    }

                    break;
                case "expire":
                    await Task.WhenAll(servers.Select(async (s, i) =>
                    {
                        using var response = await http.DeleteAsync(new Uri(s, $"api/v2/silence/{silences[i][step.Argument]}"));
                        Assert.True(response.IsSuccessStatusCode, $"expire on {s}: {(int)response.StatusCode}");
                    }));
                    break;
                case "end":
                    return;
                default:
                    throw new InvalidOperationException($"scenario.txt: unknown action {step.Action}");
            }
        }
    }

    /// <summary>The sink's notifications in arrival order, times in bodies written relative to <paramref name="start"/>.</summary>
    public static IReadOnlyList<CapturedNotification> Captured(RecordingHttpSink sink, DateTimeOffset start) =>
        [.. sink.Requests.OrderBy(r => r.Sequence).Select(r => new CapturedNotification(
            Math.Round((r.ArrivedAt - start).TotalSeconds, 3), r.Path, Relative(r.BodyText, start)))];

    public static string Relative(string body, DateTimeOffset start) =>
        Timestamp().Replace(body, m => m.Value.StartsWith("0001-", StringComparison.Ordinal)
            ? m.Value
            : string.Create(CultureInfo.InvariantCulture, $"T0+{(DateTimeOffset.Parse(m.Value, CultureInfo.InvariantCulture) - start).TotalSeconds:0.###}s"));

    public static string Serialize(IReadOnlyList<CapturedNotification> captured) =>
        JsonSerializer.Serialize(captured, Indented) + "\n";

    public static IReadOnlyList<CapturedNotification> Load(string file) =>
        JsonSerializer.Deserialize<List<CapturedNotification>>(File.ReadAllText(Path.Combine(Directory, file)))!;

    private static string Time(DateTimeOffset t) => t.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private static async Task<string> PostAsync(HttpClient http, Uri uri, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(uri, content);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"POST {uri}: {(int)response.StatusCode} {body}");
        return body;
    }

    [GeneratedRegex(@"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")]
    private static partial Regex Timestamp();
}
