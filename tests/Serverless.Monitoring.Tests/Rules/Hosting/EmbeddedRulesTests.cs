using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Hosting;

namespace Serverless.Monitoring.Tests.Rules.Hosting;

/// <summary>
/// The embedded server evaluates the rule files of its <c>prometheus.yml</c> on their grid: recorded
/// series and <c>ALERTS</c> reach storage through the sample bus, and firing alerts reach a real
/// Alertmanager 0.25 with the rule's labels, the external labels and expanded annotations.
/// </summary>
public sealed class EmbeddedRulesTests : IDisposable
{
    private readonly TempDirectory _work = new("sm-rules-e2e-");

    [Fact]
    public async Task Rules_are_evaluated_recorded_series_stored_and_alerts_delivered_to_Alertmanager()
    {
        using var alertmanager = await AlertmanagerFixture.StartAsync();
        await File.WriteAllTextAsync(_work.Combine("rules.yml"), """
            groups:
              - name: e2e
                interval: 1s
                rules:
                  - record: e2e:one
                    expr: vector(1)
                    labels: { source: rule }
                  - alert: AlwaysOn
                    expr: e2e:one > 0
                    labels: { severity: page }
                    annotations: { summary: "value {{ $value }} from {{ $labels.source }}" }
            """);
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), $"""
            global:
              external_labels: {"{"} cluster: e2e {"}"}
            rule_files: ['rules.yml']
            alerting:
              alertmanagers:
                - static_configs:
                    - targets: ['127.0.0.1:{alertmanager.Port}']
            """);
        await using var app = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
                ["Storage:LocalPath"] = _work.Combine("data"),
                ["Web:ExternalUrl"] = "http://127.0.0.1:9090",
            },
        };
        using var client = app.CreateClient();

        using var http = LoopbackHttp.CreateClient(TimeSpan.FromSeconds(10));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(60);
        JsonElement? alert = null;
        while (alert is null && DateTime.UtcNow < deadline)
        {
            await Task.Delay(500);
            using var listed = JsonDocument.Parse(await http.GetStringAsync(new Uri(alertmanager.BaseUri, "api/v2/alerts")));
            alert = listed.RootElement.EnumerateArray().Select(a => (JsonElement?)a.Clone()).FirstOrDefault();
        }

        Assert.True(alert is not null, "no alert reached Alertmanager within 60 s");
        var labels = alert.Value.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString());
        Assert.Equal(new Dictionary<string, string?> { ["alertname"] = "AlwaysOn", ["cluster"] = "e2e", ["severity"] = "page", ["source"] = "rule" }, labels);
        Assert.Equal("value 1 from rule", alert.Value.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.StartsWith("http://127.0.0.1:9090/graph?g0.expr=", alert.Value.GetProperty("generatorURL").GetString(), StringComparison.Ordinal);

        // The recorded series and ALERTS are in storage, through the bus.
        var engine = await app.Services.GetRequiredService<StorageEngineAccessor>().GetAsync();
        deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline && (await engine.SelectAsync([LabelMatcher.Equal("__name__", "ALERTS")], 0, long.MaxValue)).Series.Count == 0)
        {
            await Task.Delay(250);
        }

        var recorded = await engine.SelectAsync([LabelMatcher.Equal("__name__", "e2e:one")], 0, long.MaxValue);
        Assert.Equal(LabelSet.FromStrings("__name__", "e2e:one", "source", "rule"), Assert.Single(recorded.Series).Labels);
        var alerts = await engine.SelectAsync([LabelMatcher.Equal("__name__", "ALERTS")], 0, long.MaxValue);
        Assert.Equal(
            LabelSet.FromStrings("__name__", "ALERTS", "alertname", "AlwaysOn", "alertstate", "firing", "severity", "page", "source", "rule"),
            Assert.Single(alerts.Series).Labels);
    }

    [Fact]
    public async Task A_slow_Alertmanager_does_not_stall_evaluation_and_its_batches_are_dropped_and_counted()
    {
        using var slow = new LoopbackHttpServer(async context =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30));
            context.Response.StatusCode = 200;
        });
        await File.WriteAllTextAsync(_work.Combine("rules.yml"), "groups:\n  - name: slow\n    interval: 1s\n    rules:\n      - alert: AlwaysOn\n        expr: vector(1)\n");
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"),
            $"rule_files: ['rules.yml']\nalerting:\n  alertmanagers:\n    - timeout: 2s\n      static_configs:\n        - targets: ['127.0.0.1:{slow.Port}']\n");
        await using var app = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?>
            {
                ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
                ["Storage:LocalPath"] = _work.Combine("data"),
                ["Rules:ResendDelay"] = "1s",
            },
        };
        using var client = app.CreateClient();

        // Six seconds: six evaluations on the 1s grid, while every send waits 2s for its timeout.
        await Task.Delay(TimeSpan.FromSeconds(6));
        var metrics = await client.GetStringAsync(new Uri("/metrics", UriKind.Relative));

        var group = _work.Combine("rules.yml") + ";slow";
        Assert.True(Value(metrics, $"prometheus_rule_evaluations_total{{rule_group=\"{group}\"}}") >= 4, metrics);
        Assert.Equal(0, Value(metrics, $"prometheus_rule_group_iterations_missed_total{{rule_group=\"{group}\"}}"));
        Assert.True(Value(metrics, "prometheus_notifications_dropped_total") >= 1, metrics);
        Assert.True(Value(metrics, $"prometheus_notifications_errors_total{{alertmanager=\"http://127.0.0.1:{slow.Port}/api/v2/alerts\"}}") >= 1, metrics);
    }

    private static double Value(string exposition, string series)
    {
        var line = exposition.Split('\n').FirstOrDefault(l => l.StartsWith(series + " ", StringComparison.Ordinal));
        return line is null ? 0 : double.Parse(line[(series.Length + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }

    public void Dispose() => _work.Dispose();
}
