using System.Globalization;
using System.Text.Json;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;
using Xunit.Abstractions;

namespace Serverless.Monitoring.Tests.Rules.Api;

/// <summary>
/// Issue 12's API acceptance: a real Prometheus 2.42 and our embedded server (in process), loaded
/// with the same rule file, scraping the same real node_exporter every second, evaluating every
/// second or two and sending to the same real Alertmanager 0.25 (each with its own <c>server</c>
/// external label). <c>/api/v1/rules</c>, <c>/api/v1/alerts</c> and <c>/api/v1/alertmanagers</c> agree
/// but for evaluation instants (checked within tolerances) and the fields 2.42 does not print, and
/// the Alertmanager lists our firing alerts with our labels and annotations.
/// </summary>
public sealed class RulesAgainstPrometheusTests(ITestOutputHelper output) : IDisposable
{
    /// <summary>
    /// Every state and outcome both servers support: recorded series feeding alerts in the same tick,
    /// firing at once and after <c>for</c>, pending, inactive, <c>keep_firing_for</c>, templated labels
    /// and annotations (HTML characters included), failures (duplicate label sets, a group limit).
    /// </summary>
    private const string RuleFile = """
        groups:
          - name: node
            interval: 1s
            rules:
              - record: job:up:sum
                expr: sum by (job) (up)
              - record: instance:load1:clamped
                expr: clamp(node_load1, 7, 7)
                labels: { source: recorded }
              - alert: TargetUp
                expr: up == 1
                labels: { severity: info, target: "{{ $labels.instance }}" }
                annotations:
                  summary: "{{ $labels.instance }} of {{ $labels.job }} is up (value {{ $value }})"
                  html: "<b>up</b> & running"
              - alert: FiresAfterFor
                expr: job:up:sum > 0
                for: 3s
                labels: { severity: page }
              - alert: StaysPending
                expr: instance:load1:clamped == 7
                for: 1h
                annotations: { description: "load {{ $value | humanize }}" }
              - alert: NeverFires
                expr: up == 0
                for: 1s
              - alert: KeepsFiring
                expr: up == 1
                keep_firing_for: 1m
              - alert: DuplicateAlertLabels
                expr: '{__name__=~"node_load1|node_load5"}'
              - record: duplicate:series
                expr: '{__name__=~"node_load1|node_load5"}'
          - name: limited
            interval: 2s
            limit: 1
            rules:
              - alert: OverLimit
                expr: label_replace(up, "copy", "a", "", "") or label_replace(up, "copy", "b", "", "")
              - alert: AbsentMetric
                expr: absent(no_such_metric)
                labels: { severity: warning }
        """;

    /// <summary>What Prometheus 3 prints that 2.42 does not (2.42 omits an empty recording rule's labels).</summary>
    private static readonly HashSet<string> Newer = ["labels"];

    private readonly TempDirectory _work = new("sm-rules-api-");

    [Fact]
    public async Task Rules_alerts_and_Alertmanagers_agree_with_Prometheus_2_42_and_Alertmanager_lists_our_alerts()
    {
        using var exporter = await NodeExporterFixture.StartAsync();
        using var alertmanager = await AlertmanagerFixture.StartAsync();
        var prometheusOptions = new PrometheusOptions { ConfigYaml = Config("prometheus", exporter, alertmanager) };
        prometheusOptions.Files["rules.yml"] = RuleFile;

        // Prometheus finds its Alertmanagers some seconds after start and drops what fired before;
        // a short resend delay (on both) re-sends those within the test's patience.
        prometheusOptions.ExtraArguments.Add("--rules.alert.resend-delay=2s");
        var prometheusStart = PrometheusFixture.StartAsync(prometheusOptions);

        await File.WriteAllTextAsync(_work.Combine("rules.yml"), RuleFile);
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), Config("ours", exporter, alertmanager));
        await using var ours = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
                ["Storage:LocalPath"] = _work.Combine("data"),
                ["Rules:ResendDelay"] = "2s",
            },
        };
        using var oursClient = ours.CreateClient();
        using var prometheus = await prometheusStart;
        using var http = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));

        async Task<JsonElement> TheirsAsync(string path) => Data(await http.GetStringAsync(prometheus.GetUri(path)));
        async Task<JsonElement> OursAsync(string path) => Data(await oursClient.GetStringAsync(new Uri(path, UriKind.Relative)));

        // Steady: every rule evaluated and FiresAfterFor past its 3 s, on both.
        var deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(90);
        while (!(Steady(await TheirsAsync("api/v1/rules")) && Steady(await OursAsync("api/v1/rules"))))
        {
            Assert.True(DateTimeOffset.UtcNow < deadline, "the rules did not all evaluate and fire within 90 s:\n"
                + RulesAnswerComparer.Rules(await TheirsAsync("api/v1/rules")) + "--- ours\n" + RulesAnswerComparer.Rules(await OursAsync("api/v1/rules")));
            await Task.Delay(500);
        }

        // The same rules, states and alerts; retried while one server is a tick behind the other.
        JsonElement theirRules = default, ourRules = default;
        deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            theirRules = await TheirsAsync("api/v1/rules");
            ourRules = await OursAsync("api/v1/rules");
        }
        while (RulesAnswerComparer.Rules(theirRules) != RulesAnswerComparer.Rules(ourRules) && DateTimeOffset.UtcNow < deadline && await Pause());

        output.WriteLine(RulesAnswerComparer.Rules(ourRules));
        Assert.Equal(RulesAnswerComparer.Rules(theirRules), RulesAnswerComparer.Rules(ourRules));
        Assert.Contains("alerting FiresAfterFor", RulesAnswerComparer.Rules(ourRules), StringComparison.Ordinal);
        Assert.Empty(RulesAnswerComparer.FieldOrder(theirRules, ourRules, Newer));
        output.WriteLine("fields ours prints and 2.42 does not: " + string.Join(", ", RulesAnswerComparer.ExtraFields(theirRules, ourRules)));
        Assert.Empty(RulesAnswerComparer.RawDifferences(RulesAnswerComparer.Pairs(theirRules, ourRules), out var escaped));
        output.WriteLine($"label sets 2.42 HTML-escapes and 3.x does not: {escaped}");
        Assert.Empty(RulesAnswerComparer.Instants(theirRules, ourRules, DateTimeOffset.UtcNow, TimeSpan.FromSeconds(10), TimeSpan.FromSeconds(30)));

        JsonElement theirAlerts = default, ourAlerts = default;
        deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            theirAlerts = (await TheirsAsync("api/v1/alerts")).GetProperty("alerts");
            ourAlerts = (await OursAsync("api/v1/alerts")).GetProperty("alerts");
        }
        while (RulesAnswerComparer.Alerts(theirAlerts) != RulesAnswerComparer.Alerts(ourAlerts) && DateTimeOffset.UtcNow < deadline && await Pause());

        Assert.Equal(RulesAnswerComparer.Alerts(theirAlerts), RulesAnswerComparer.Alerts(ourAlerts));
        Assert.Empty(RulesAnswerComparer.RawDifferences(RulesAnswerComparer.AlertPairs(theirAlerts, ourAlerts), out _));
        Assert.Equal(5, ourAlerts.GetArrayLength()); // TargetUp, FiresAfterFor, StaysPending, KeepsFiring, AbsentMetric

        Assert.Equal((await TheirsAsync("api/v1/alertmanagers")).GetRawText(), (await OursAsync("api/v1/alertmanagers")).GetRawText());
        Assert.Contains($"http://127.0.0.1:{alertmanager.Port}/api/v2/alerts", (await OursAsync("api/v1/alertmanagers")).GetRawText(), StringComparison.Ordinal);

        // The Alertmanager holds our firing alerts, with our labels (and the external label) and annotations.
        var firing = string.Concat(ourAlerts.EnumerateArray()
            .Where(a => a.GetProperty("state").GetString() == "firing")
            .Select(a => $"{RulesAnswerComparer.Labels(a, "labels")} {RulesAnswerComparer.Labels(a, "annotations")}\n")
            .Order(StringComparer.Ordinal));
        string received, fromPrometheus;
        deadline = DateTimeOffset.UtcNow + TimeSpan.FromSeconds(30);
        do
        {
            received = await ReceivedAsync(http, alertmanager, "ours");
            fromPrometheus = await ReceivedAsync(http, alertmanager, "prometheus");
        }
        while ((received != firing || fromPrometheus != firing) && DateTimeOffset.UtcNow < deadline && await Pause());

        Assert.Equal(firing, received);
        Assert.Equal(4, received.Count(c => c == '\n'));
        Assert.Equal(fromPrometheus, received);
    }

    public void Dispose() => _work.Dispose();

    private static string Config(string server, NodeExporterFixture exporter, AlertmanagerFixture alertmanager) => $$"""
        global:
          scrape_interval: 1s
          evaluation_interval: 1s
          external_labels: { server: {{server}} }
        rule_files: ['rules.yml']
        scrape_configs:
          - job_name: node
            static_configs:
              - targets: ['{{exporter.ListenAddress}}']
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ['127.0.0.1:{{alertmanager.Port.ToString(CultureInfo.InvariantCulture)}}']
            - static_configs:
                - targets: ['127.0.0.1:1']
              relabel_configs:
                - source_labels: [__address__]
                  regex: '127\.0\.0\.1:1'
                  action: drop
        """;

    private static JsonElement Data(string body)
    {
        using var json = JsonDocument.Parse(body);
        Assert.Equal("success", json.RootElement.GetProperty("status").GetString());
        return json.RootElement.GetProperty("data").Clone();
    }

    private static bool Steady(JsonElement rules)
    {
        var all = rules.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()).ToList();
        return all.Count == 11
            && all.All(r => r.GetProperty("health").GetString() != "unknown")
            && all.Any(r => r.GetProperty("name").GetString() == "FiresAfterFor" && r.GetProperty("state").GetString() == "firing");
    }

    /// <summary>The Alertmanager's alerts from one server (by its external label), as label and annotation text without that label.</summary>
    private static async Task<string> ReceivedAsync(HttpClient http, AlertmanagerFixture alertmanager, string server)
    {
        using var json = JsonDocument.Parse(await http.GetStringAsync(new Uri(alertmanager.BaseUri, "api/v2/alerts")));
        return string.Concat(json.RootElement.EnumerateArray()
            .Where(a => a.GetProperty("labels").TryGetProperty("server", out var s) && s.GetString() == server)
            .Select(a =>
            {
                var labels = a.GetProperty("labels").EnumerateObject().Where(p => p.Name != "server")
                    .Select(p => $"{p.Name}={JsonSerializer.Serialize(p.Value.GetString())}").Order(StringComparer.Ordinal);
                return $"{{{string.Join(',', labels)}}} {RulesAnswerComparer.Labels(a, "annotations")}\n";
            })
            .Order(StringComparer.Ordinal));
    }

    private static async Task<bool> Pause()
    {
        await Task.Delay(500);
        return true;
    }
}
