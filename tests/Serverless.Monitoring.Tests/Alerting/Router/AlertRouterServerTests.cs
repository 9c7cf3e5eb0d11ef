using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Notify;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Router;

/// <summary>
/// The embedded server run as a process with <c>--alertmanager.config.file</c>: alerts posted to
/// <c>/api/v2/alerts</c> reach a recording webhook after <c>group_wait</c> with Alertmanager's payload,
/// Debian's amtool 0.25 and a real Prometheus 2.42 talk to it, a broken file stops the start naming
/// file, line and field, and the alerts survive a restart on the same data folder.
/// </summary>
public sealed class AlertRouterServerTests : IDisposable
{
    private const string ExternalUrl = "http://router.example:9093";
    private static readonly TimeSpan GroupWait = TimeSpan.FromSeconds(3);

    private readonly TempDirectory _work = new("sm-am-router-");
    private readonly RecordingHttpSink _sink = RecordingHttpSink.Start();
    private readonly HttpClient _http = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));

    public void Dispose()
    {
        _http.Dispose();
        _sink.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task Posted_alerts_reach_the_webhook_after_group_wait_with_Alertmanagers_payload()
    {
        using var server = await StartAsync();
        var startsAt = DateTimeOffset.FromUnixTimeSeconds(DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        var postedAt = DateTimeOffset.UtcNow;
        await PostAsync(server, Alert("RouterTest", "a", startsAt, "<b>bold</b>"), Alert("RouterTest", "b", startsAt, "plain"));

        var request = Assert.Single(await _sink.WaitForAsync(r => r.Path == "/hook", 1, TimeSpan.FromSeconds(20)));
        var waited = request.ArrivedAt - postedAt;
        Assert.True(waited >= GroupWait - TimeSpan.FromMilliseconds(300), $"sent {waited.TotalSeconds:0.000}s after the post, before group_wait {GroupWait.TotalSeconds}s");
        Assert.True(waited < GroupWait + TimeSpan.FromSeconds(3), $"sent {waited.TotalSeconds:0.000}s after the post");
        Assert.Equal("application/json", request.Header("Content-Type"));
        Assert.Equal(NotificationHttp.UserAgent, request.Header("User-Agent"));

        // What the webhook notifier builds for this group: status, receiver, groupKey, the alerts in upstream's order.
        Alert Expected(string instance, string summary) => new()
        {
            Labels = LabelSet.FromStrings("alertname", "RouterTest", "instance", instance, "severity", "page"),
            Annotations = LabelSet.FromStrings("summary", summary),
            StartsAt = startsAt,
            GeneratorUrl = "http://prometheus.example/graph",
        };
        var context = new NotificationContext("{}:{alertname=\"RouterTest\"}", "hook", LabelSet.FromStrings("alertname", "RouterTest"), ExternalUrl, DateTimeOffset.UtcNow);
        var expected = WebhookNotifier.BuildPayload(new WebhookOptions { Url = _sink.Url("/hook").ToString() }, context, [Expected("a", "<b>bold</b>"), Expected("b", "plain")]);
        Assert.Equal(expected, request.BodyText);
    }

    [Fact]
    public async Task Amtool_lists_the_posted_alerts_and_the_API_shows_them()
    {
        using var server = await StartAsync();
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-1);
        await PostAsync(server, Alert("AmtoolOne", "a", startsAt, "one"), Alert("AmtoolTwo", "b", startsAt, "two"));

        var all = await AmtoolAsync(server, "alert", "query");
        Assert.Contains("AmtoolOne", all, StringComparison.Ordinal);
        Assert.Contains("AmtoolTwo", all, StringComparison.Ordinal);
        var filtered = await AmtoolAsync(server, "alert", "query", "alertname=AmtoolTwo");
        Assert.DoesNotContain("AmtoolOne", filtered, StringComparison.Ordinal);
        Assert.Contains("AmtoolTwo", filtered, StringComparison.Ordinal);

        using var alerts = JsonDocument.Parse(await _http.GetStringAsync(new Uri(server.BaseUri, "api/v2/alerts?filter=alertname%3D%22AmtoolOne%22")));
        var alert = Assert.Single(alerts.RootElement.EnumerateArray());
        Assert.Equal(
            ["annotations", "endsAt", "fingerprint", "receivers", "startsAt", "status", "updatedAt", "generatorURL", "labels"],
            alert.EnumerateObject().Select(p => p.Name));
        Assert.Equal(AlertFingerprint.Of(LabelSet.FromStrings("alertname", "AmtoolOne", "instance", "a", "severity", "page")).ToString("x16", CultureInfo.InvariantCulture), alert.GetProperty("fingerprint").GetString());
        Assert.Equal("hook", alert.GetProperty("receivers")[0].GetProperty("name").GetString());
        Assert.Equal("active", alert.GetProperty("status").GetProperty("state").GetString());
    }

    [Fact]
    public async Task A_real_Prometheus_delivers_its_firing_alert()
    {
        using var server = await StartAsync();
        var prometheusOptions = new PrometheusOptions
        {
            ConfigYaml = $"""
                global:
                  scrape_interval: 1s
                  evaluation_interval: 1s
                rule_files: [rules.yml]
                alerting:
                  alertmanagers:
                  - static_configs:
                    - targets: ['127.0.0.1:{server.Port.ToString(CultureInfo.InvariantCulture)}']
                """,
        };
        prometheusOptions.Files["rules.yml"] = """
            groups:
            - name: always
              rules:
              - alert: AlwaysFiring
                expr: vector(1)
                # Firing once Prometheus has discovered us: a newly firing alert is sent at once, while
                # one that fired before (and was dropped for want of an Alertmanager) waits for the 1m resend.
                for: 5s
                labels:
                  severity: page
                  team: router
                annotations:
                  summary: from Prometheus
            """;
        using var prometheus = await PrometheusFixture.StartAsync(prometheusOptions);

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement? found = null;
        while (found is null && DateTime.UtcNow < deadline)
        {
            using var alerts = JsonDocument.Parse(await _http.GetStringAsync(new Uri(server.BaseUri, "api/v2/alerts")));
            found = alerts.RootElement.EnumerateArray().Where(a => a.GetProperty("labels").TryGetProperty("alertname", out var n) && n.GetString() == "AlwaysFiring").Select(a => (JsonElement?)a.Clone()).FirstOrDefault();
            if (found is null)
            {
                await Task.Delay(500);
            }
        }

        Assert.True(found is not null, "Prometheus's alert did not arrive within 60s");
        var labels = found.Value.GetProperty("labels");
        Assert.Equal("page", labels.GetProperty("severity").GetString());
        Assert.Equal("router", labels.GetProperty("team").GetString());
        Assert.Equal("from Prometheus", found.Value.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Contains("/graph?g0.expr=", found.Value.GetProperty("generatorURL").GetString(), StringComparison.Ordinal);

        // And it is routed: the webhook gets it.
        await _sink.WaitForAsync(r => r.Path == "/hook" && r.BodyText.Contains("AlwaysFiring", StringComparison.Ordinal), 1, TimeSpan.FromSeconds(20));
    }

    [Theory]
    [InlineData("route:\n  receiver: hook\n  group_wait: soon\nreceivers:\n- name: hook\n", "alertmanager.yml:3", "group_wait")]
    [InlineData("route:\n  receiver: nobody\nreceivers:\n- name: hook\n", "alertmanager.yml:", "nobody")]
    [InlineData("route:\n  receiver: hook\nreceivers:\n- name: hook\n  email_configs:\n  - to: a@example.com\n    from: b@example.com\n    smarthost: localhost:25\n", "alertmanager.yml:5:3: receivers[0].email_configs: receiver \"hook\": email notifications are not supported yet", "receivers[0].email_configs")]
    public async Task A_broken_alertmanager_yml_stops_the_start_naming_file_line_and_field(string yaml, string place, string field)
    {
        await File.WriteAllTextAsync(_work.Combine("alertmanager.yml"), yaml);
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
        using var process = ExternalProcess.Start(
            "monitoring-host",
            Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet",
            [Path.Combine(AppContext.BaseDirectory, "Serverless.Monitoring.Functions.dll"), $"--web.listen-address=127.0.0.1:{FreePort.Get().ToString(CultureInfo.InvariantCulture)}", .. Args()],
            _work.Path,
            new Dictionary<string, string?> { ["ASPNETCORE_URLS"] = null, ["ASPNETCORE_HTTP_PORTS"] = null });
        var exitCode = await process.WaitForExitAsync(TimeSpan.FromSeconds(30));
        Assert.True(exitCode == 1, process.Describe($"exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"}"));
        Assert.Contains(place, process.Output, StringComparison.Ordinal);
        Assert.Contains(field, process.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reload_applies_a_new_alertmanager_yml_and_a_broken_one_fails_keeping_the_running_config()
    {
        using var server = await StartAsync(extraArgs: ["--web.enable-lifecycle"]);
        var path = _work.Combine("alertmanager.yml");
        await File.WriteAllTextAsync(path, (await File.ReadAllTextAsync(path)).Replace("- name: hook", "- name: other\n- name: hook", StringComparison.Ordinal));
        using (var ok = await _http.PostAsync(new Uri(server.BaseUri, "-/reload"), null))
        {
            Assert.Equal(200, (int)ok.StatusCode);
        }

        Assert.Equal("[{\"name\":\"other\"},{\"name\":\"hook\"}]\n", await _http.GetStringAsync(new Uri(server.BaseUri, "api/v2/receivers")));

        await File.WriteAllTextAsync(path, "route:\n  receiver: hook\n  group_wait: soon\nreceivers:\n- name: hook\n");
        using (var broken = await _http.PostAsync(new Uri(server.BaseUri, "-/reload"), null))
        {
            Assert.Equal(500, (int)broken.StatusCode);
            var body = await broken.Content.ReadAsStringAsync();
            Assert.Contains("alertmanager.yml:3", body, StringComparison.Ordinal);
            Assert.Contains("group_wait", body, StringComparison.Ordinal);
        }

        Assert.Equal("[{\"name\":\"other\"},{\"name\":\"hook\"}]\n", await _http.GetStringAsync(new Uri(server.BaseUri, "api/v2/receivers")));
    }

    [Fact]
    public async Task Without_the_flag_the_v2_API_answers_404()
    {
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
        using var server = await MonitoringHostProcess.StartAsync(_work.Path, new Dictionary<string, string?>(), [$"--config.file={_work.Combine("prometheus.yml")}", $"--storage.tsdb.path={_work.Combine("data")}"]);
        foreach (var path in new[] { "api/v2/alerts", "api/v2/alerts/groups", "api/v2/status", "api/v2/receivers", "api/v2/silences", "api/v2/escalations" })
        {
            using var response = await _http.GetAsync(new Uri(server.BaseUri, path));
            Assert.True(404 == (int)response.StatusCode, path);
            Assert.Equal("404 page not found\n", await response.Content.ReadAsStringAsync());
        }

        // Nothing would act on a silence while the router is off: it is not taken.
        using var silence = await _http.PostAsync(
            new Uri(server.BaseUri, "api/v2/silences"),
            new StringContent("""{"matchers":[{"name":"a","value":"b","isRegex":false}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"t","comment":"c"}""", System.Text.Encoding.UTF8, "application/json"));
        Assert.Equal(404, (int)silence.StatusCode);
    }

    [Fact]
    public async Task Alerts_survive_a_restart_on_the_same_data_folder()
    {
        var startsAt = DateTimeOffset.UtcNow.AddMinutes(-2);
        using (var first = await StartAsync())
        {
            await PostAsync(first, Alert("Survivor", "a", startsAt, "one"), Alert("Survivor", "b", startsAt, "two"));
            Assert.Equal(2, await CountAsync(first, "Survivor"));
            using var kill = Process.Start(new ProcessStartInfo("kill", ["-TERM", first.Process.Id.ToString(CultureInfo.InvariantCulture)]) { UseShellExecute = false })!;
            await kill.WaitForExitAsync();
            var exitCode = await first.Process.WaitForExitAsync(TimeSpan.FromSeconds(30));
            Assert.True(exitCode == 0, first.Process.Describe($"exit code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running after SIGTERM)"}"));
        }

        var sentBefore = _sink.RequestsTo("/hook").Count;
        using var second = await StartAsync(writeConfig: false);
        Assert.Equal(2, await CountAsync(second, "Survivor"));

        // The group had flushed before the stop: the notification log came back too, so nothing is sent again at once.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Equal(sentBefore, _sink.RequestsTo("/hook").Count);
    }

    private string[] Args() =>
    [
        $"--config.file={_work.Combine("prometheus.yml")}",
        $"--alertmanager.config.file={_work.Combine("alertmanager.yml")}",
        $"--storage.tsdb.path={_work.Combine("data")}",
        $"--web.external-url={ExternalUrl}",
    ];

    private async Task<MonitoringHostProcess> StartAsync(bool writeConfig = true, string[]? extraArgs = null)
    {
        if (writeConfig)
        {
            await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
            await File.WriteAllTextAsync(_work.Combine("alertmanager.yml"), $"""
                route:
                  receiver: hook
                  group_by: [alertname]
                  group_wait: {GroupWait.TotalSeconds.ToString(CultureInfo.InvariantCulture)}s
                  group_interval: 1m
                receivers:
                - name: hook
                  webhook_configs:
                  - url: {_sink.Url("/hook")}
                """);
        }

        return await MonitoringHostProcess.StartAsync(_work.Path, new Dictionary<string, string?>(), [.. Args(), .. extraArgs ?? []]);
    }

    private static string Alert(string name, string instance, DateTimeOffset startsAt, string summary) =>
        $$"""{"labels":{"alertname":"{{name}}","instance":"{{instance}}","severity":"page"},"annotations":{"summary":"{{summary}}"},"startsAt":"{{startsAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture)}}","generatorURL":"http://prometheus.example/graph"}""";

    private async Task PostAsync(MonitoringHostProcess server, params string[] alerts)
    {
        using var content = new StringContent("[" + string.Join(",", alerts) + "]", Encoding.UTF8, "application/json");
        using var response = await _http.PostAsync(new Uri(server.BaseUri, "api/v2/alerts"), content);
        Assert.True(response.IsSuccessStatusCode, $"POST /api/v2/alerts: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task<int> CountAsync(MonitoringHostProcess server, string alertname)
    {
        using var alerts = JsonDocument.Parse(await _http.GetStringAsync(new Uri(server.BaseUri, "api/v2/alerts")));
        return alerts.RootElement.EnumerateArray().Count(a => a.GetProperty("labels").GetProperty("alertname").GetString() == alertname);
    }

    private static async Task<string> AmtoolAsync(MonitoringHostProcess server, params string[] args)
    {
        var amtool = ToolLocator.Find("amtool", "./test.sh (as root) or apt-get install prometheus-alertmanager");
        var startInfo = new ProcessStartInfo(amtool) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        startInfo.ArgumentList.Add($"--alertmanager.url={server.BaseUri}");
        foreach (var a in args)
        {
            startInfo.ArgumentList.Add(a);
        }

        using var process = Process.Start(startInfo)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        Assert.True(process.ExitCode == 0, $"amtool {string.Join(' ', args)} exited {process.ExitCode}: {await stderr}");
        return await stdout;
    }
}
