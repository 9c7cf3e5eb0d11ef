using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Discovery;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Notifier;

namespace Serverless.Monitoring.Tests.Notifier;

/// <summary>Which URLs a discovered group of Alertmanagers posts to: scheme, path prefix, relabeling, group labels.</summary>
public sealed class AlertmanagerTargetsTests
{
    [Theory]
    [InlineData("", "/api/v2/alerts")]
    [InlineData("/", "/api/v2/alerts")]
    [InlineData("am", "/am/api/v2/alerts")]
    [InlineData("/am/", "/am/api/v2/alerts")]
    [InlineData("a//b", "/a/b/api/v2/alerts")]
    public void The_alerts_path_joins_the_prefix_as_Go_s_path_Join(string prefix, string expected) =>
        Assert.Equal(expected, AlertmanagerTargets.AlertsPath(prefix, "v2"));

    [Fact]
    public void Relabeling_sees_the_scheme_path_and_group_labels_and_can_drop_or_rewrite()
    {
        var config = PrometheusConfig.Load("""
            alerting:
              alertmanagers:
                - scheme: https
                  path_prefix: /prefix
                  static_configs:
                    - targets: ['127.0.0.1:9093', '127.0.0.1:9094']
                      labels: { zone: a }
                  relabel_configs:
                    - source_labels: [__address__]
                      regex: '.*:9094'
                      action: drop
                    - source_labels: [zone]
                      target_label: __alerts_path__
                      replacement: '/zone-$1/api/v2/alerts'
            """).Alerting.Alertmanagers[0];

        var (active, dropped, errors) = AlertmanagerTargets.FromGroup(config.StaticConfigs[0], config);

        Assert.Equal(["https://127.0.0.1:9093/zone-a/api/v2/alerts"], active.Select(u => u.AbsoluteUri));
        Assert.Equal(["https://127.0.0.1:9094/prefix/api/v2/alerts"], dropped.Select(u => u.AbsoluteUri));
        Assert.Empty(errors);
    }

    [Fact]
    public void An_address_with_a_path_is_an_error_not_a_target()
    {
        var config = new AlertmanagerConfig();
        var group = new TargetGroup { Targets = [LabelSet.FromStrings("__address__", "127.0.0.1:9093/x")], Source = "static" };

        var (active, _, errors) = AlertmanagerTargets.FromGroup(group, config);

        Assert.Empty(active);
        Assert.Contains("is not a valid hostname", Assert.Single(errors), StringComparison.Ordinal);
    }
}
