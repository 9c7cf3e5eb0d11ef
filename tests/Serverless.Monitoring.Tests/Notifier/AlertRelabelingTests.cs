using System.Text.Json;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Notifier;

namespace Serverless.Monitoring.Tests.Notifier;

/// <summary>External labels and alert_relabel_configs on the way out, and the v2 payload.</summary>
public sealed class AlertRelabelingTests
{
    private static readonly DateTimeOffset At = new(2026, 12, 7, 10, 0, 0, 500, TimeSpan.Zero);

    private static NotifierAlert Alert(params string[] labels) =>
        new(LabelSet.FromStrings(labels), LabelSet.FromStrings("summary", "it \"broke\""), At, At.AddMinutes(4), "http://prom/graph?g0.expr=up&g0.tab=1");

    [Fact]
    public void External_labels_fill_only_labels_the_alert_lacks_then_relabeling_runs()
    {
        var config = PrometheusConfig.Load("""
            global:
              external_labels: { cluster: eu, team: infra }
            alerting:
              alert_relabel_configs:
                - source_labels: [severity]
                  regex: debug
                  action: drop
                - target_label: relabeled
                  replacement: 'yes'
            """);

        var kept = AlertRelabeling.Apply(
            [Alert("alertname", "A", "team", "db"), Alert("alertname", "B", "severity", "debug")],
            config.Global.ExternalLabels,
            config.Alerting.AlertRelabelConfigs);

        var only = Assert.Single(kept);
        Assert.Equal(LabelSet.FromStrings("alertname", "A", "cluster", "eu", "relabeled", "yes", "team", "db"), only.Labels);
    }

    [Fact]
    public void The_payload_is_Alertmanager_s_PostableAlerts_with_millisecond_UTC_times()
    {
        using var json = JsonDocument.Parse(AlertPayload.Encode([Alert("alertname", "A", "job", "node")]));

        var alert = Assert.Single(json.RootElement.EnumerateArray());
        Assert.Equal("A", alert.GetProperty("labels").GetProperty("alertname").GetString());
        Assert.Equal("node", alert.GetProperty("labels").GetProperty("job").GetString());
        Assert.Equal("it \"broke\"", alert.GetProperty("annotations").GetProperty("summary").GetString());
        Assert.Equal("2026-12-07T10:00:00.500Z", alert.GetProperty("startsAt").GetString());
        Assert.Equal("2026-12-07T10:04:00.500Z", alert.GetProperty("endsAt").GetString());
        Assert.Equal("http://prom/graph?g0.expr=up&g0.tab=1", alert.GetProperty("generatorURL").GetString());
    }
}
