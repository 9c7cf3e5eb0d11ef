using System.Globalization;
using System.Text;
using System.Text.Json;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Router;

/// <summary>
/// End to end on one machine: the embedded server scrapes a real node_exporter; an alerting rule
/// fires when it stops; the server's own rules send the alert to its own router, whose route names
/// an escalation policy: the route's receiver hears at once, the second level when nobody has
/// acknowledged by its time, and after an acknowledgement over the API the third level never.
/// </summary>
public sealed class EscalationServerTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private readonly TempDirectory _work = new("sm-escalation-");
    private readonly RecordingHttpSink _sink = RecordingHttpSink.Start();
    private readonly HttpClient _http = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));

    public void Dispose()
    {
        _http.Dispose();
        _sink.Dispose();
        _work.Dispose();
    }

    [Fact]
    public async Task A_stopped_node_exporter_pages_escalates_unacknowledged_and_stops_after_ack()
    {
        var exporter = await NodeExporterFixture.StartAsync();
        await File.WriteAllTextAsync(_work.Combine("rules.yml"), """
            groups:
            - name: node
              interval: 1s
              rules:
              - alert: NodeDown
                expr: up{job="node"} == 0
                labels:
                  severity: page
            """);
        await File.WriteAllTextAsync(_work.Combine("alertmanager.yml"), $"""
            route:
              receiver: first
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1m
              repeat_interval: 1h
              routes:
              - matchers: ['severity="page"']
                receiver: first
                escalation_policy: oncall
            receivers:
            - name: first
              webhook_configs:
              - url: '{_sink.Url("/first")}'
            - name: second
              webhook_configs:
              - url: '{_sink.Url("/second")}'
            - name: third
              webhook_configs:
              - url: '{_sink.Url("/third")}'
            escalation_policies:
            - name: oncall
              levels:
              - receivers: [first]
              - after: 4s
                receivers: [second]
              - after: 10s
                receivers: [third]
            """);
        await WritePrometheusYmlAsync(exporter, alertmanagerPort: null);
        using var server = await MonitoringHostProcess.StartAsync(_work.Path, new Dictionary<string, string?>(),
        [
            $"--config.file={_work.Combine("prometheus.yml")}",
            $"--alertmanager.config.file={_work.Combine("alertmanager.yml")}",
            $"--storage.tsdb.path={_work.Combine("data")}",
            "--web.enable-lifecycle",
        ]);

        // The rules send to this server's own router: its port is known now.
        await WritePrometheusYmlAsync(exporter, server.Port);
        using (var reload = await _http.PostAsync(new Uri(server.BaseUri, "-/reload"), null))
        {
            Assert.True(reload.IsSuccessStatusCode, await reload.Content.ReadAsStringAsync());
        }

        await WaitUntilAsync(async () => (await _http.GetStringAsync(new Uri(server.BaseUri, "api/v1/query?query=up%7Bjob%3D%22node%22%7D"))).Contains("\"1\"]", StringComparison.Ordinal), "node_exporter scraped");
        exporter.Dispose();

        var first = Assert.Single(await _sink.WaitForAsync(r => r.Path == "/first", 1, Timeout));
        Assert.Contains("\"alertname\":\"NodeDown\"", first.BodyText, StringComparison.Ordinal);
        var second = Assert.Single(await _sink.WaitForAsync(r => r.Path == "/second", 1, Timeout));
        Assert.True(second.ArrivedAt - first.ArrivedAt >= TimeSpan.FromSeconds(4) - TimeSpan.FromMilliseconds(300), $"second level {(second.ArrivedAt - first.ArrivedAt).TotalSeconds:0.000}s after the first");
        Assert.Contains("\"receiver\":\"second\"", second.BodyText, StringComparison.Ordinal);

        using var listed = JsonDocument.Parse(await _http.GetStringAsync(new Uri(server.BaseUri, "api/v2/escalations")));
        var escalation = Assert.Single(listed.RootElement.EnumerateArray());
        Assert.Equal("active", escalation.GetProperty("status").GetString());
        Assert.Equal(1, escalation.GetProperty("level").GetInt32());
        var id = escalation.GetProperty("id").GetString();

        using (var ack = await _http.PostAsync(new Uri(server.BaseUri, $"api/v2/escalations/{id}/ack"), new StringContent("""{"by":"ann","comment":"on it"}""", Encoding.UTF8, "application/json")))
        {
            Assert.True(ack.IsSuccessStatusCode, await ack.Content.ReadAsStringAsync());
        }

        // The third level was due 10 s after the start: wait past it; nobody more is paged.
        var thirdDue = first.ArrivedAt + TimeSpan.FromSeconds(10);
        var wait = thirdDue + TimeSpan.FromSeconds(3) - DateTimeOffset.UtcNow;
        if (wait > TimeSpan.Zero)
        {
            await Task.Delay(wait);
        }

        Assert.DoesNotContain(_sink.Requests, r => r.Path == "/third");

        // The route's receiver is the first level: told once, by the route, not again by the escalation.
        Assert.Single(_sink.RequestsTo("/first"));
        Assert.Single(_sink.RequestsTo("/second"));
        using var after = JsonDocument.Parse(await _http.GetStringAsync(new Uri(server.BaseUri, "api/v2/escalations")));
        var acknowledged = Assert.Single(after.RootElement.EnumerateArray());
        Assert.Equal("acknowledged", acknowledged.GetProperty("status").GetString());
        Assert.Equal("ann", acknowledged.GetProperty("acknowledgement").GetProperty("by").GetString());
    }

    [Fact]
    public async Task A_killed_server_restarted_keeps_its_silences_and_escalates_at_the_right_level_without_repeating()
    {
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "global:\n  scrape_interval: 1m\n");
        await File.WriteAllTextAsync(_work.Combine("alertmanager.yml"), $"""
            route:
              receiver: first
              group_by: [alertname]
              group_wait: 1s
              group_interval: 1m
              repeat_interval: 1h
              escalation_policy: oncall
            receivers:
            - name: first
              webhook_configs:
              - url: '{_sink.Url("/first")}'
            - name: second
              webhook_configs:
              - url: '{_sink.Url("/second")}'
            escalation_policies:
            - name: oncall
              levels:
              - receivers: [first]
              - after: 10s
                receivers: [second]
            """);
        string[] args =
        [
            $"--config.file={_work.Combine("prometheus.yml")}",
            $"--alertmanager.config.file={_work.Combine("alertmanager.yml")}",
            $"--storage.tsdb.path={_work.Combine("data")}",
        ];

        var before = await MonitoringHostProcess.StartAsync(_work.Path, new Dictionary<string, string?>(), args);
        var startsAt = DateTimeOffset.UtcNow.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);
        await PostJsonAsync(before, "api/v2/alerts", $$"""[{"labels":{"alertname":"DbDown","severity":"page"},"startsAt":"{{startsAt}}"}]""");
        await PostJsonAsync(before, "api/v2/silences", """{"matchers":[{"name":"alertname","value":"Other","isRegex":false,"isEqual":true}],"startsAt":"2026-01-01T00:00:00Z","endsAt":"2099-01-01T00:00:00Z","createdBy":"ann","comment":"kept"}""");
        var first = Assert.Single(await _sink.WaitForAsync(r => r.Path == "/first", 1, Timeout));

        // State is saved at most a second after a change; then the process is killed (SIGKILL), not stopped.
        await Task.Delay(TimeSpan.FromSeconds(2));
        before.Dispose();
        using var after = await MonitoringHostProcess.StartAsync(_work.Path, new Dictionary<string, string?>(), args);

        var second = Assert.Single(await _sink.WaitForAsync(r => r.Path == "/second", 1, Timeout));
        Assert.True(second.ArrivedAt - first.ArrivedAt >= TimeSpan.FromSeconds(10) - TimeSpan.FromMilliseconds(300), $"second level {(second.ArrivedAt - first.ArrivedAt).TotalSeconds:0.000}s after the first");
        using var escalations = JsonDocument.Parse(await _http.GetStringAsync(new Uri(after.BaseUri, "api/v2/escalations")));
        Assert.Equal(1, Assert.Single(escalations.RootElement.EnumerateArray()).GetProperty("level").GetInt32());
        var silences = await _http.GetStringAsync(new Uri(after.BaseUri, "api/v2/silences"));
        Assert.Contains("\"comment\":\"kept\"", silences, StringComparison.Ordinal);

        // The restart neither repeated the first notification nor the first level.
        await Task.Delay(TimeSpan.FromSeconds(2));
        Assert.Single(_sink.RequestsTo("/first"));
        Assert.Single(_sink.RequestsTo("/second"));
    }

    private async Task PostJsonAsync(MonitoringHostProcess server, string path, string json)
    {
        using var response = await _http.PostAsync(new Uri(server.BaseUri, path), new StringContent(json, Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, $"POST {path}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private async Task WritePrometheusYmlAsync(NodeExporterFixture exporter, int? alertmanagerPort)
    {
        var alerting = alertmanagerPort is { } port
            ? $"alerting:\n  alertmanagers:\n  - static_configs:\n    - targets: ['127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}']\n"
            : "";
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), $"""
            global:
              scrape_interval: 1s
              evaluation_interval: 1s
            rule_files: [rules.yml]
            scrape_configs:
            - job_name: node
              static_configs:
              - targets: ['{exporter.ListenAddress}']

            """ + alerting);
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Timeout;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(250);
        }
    }
}
