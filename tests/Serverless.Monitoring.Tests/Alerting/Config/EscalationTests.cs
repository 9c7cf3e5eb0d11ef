using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Tests.Alerting.Config;

/// <summary>Our escalation_policies section: parsed, referenced from routes, validated with positions.</summary>
public sealed class EscalationTests
{
    internal const string ValidConfig = """
        route:
          receiver: slack-db
          routes:
          - matchers: ['severity="page"']
            receiver: slack-db
            escalation_policy: db-oncall
        receivers:
        - name: slack-db
        - name: pagerduty-primary
        - name: pagerduty-secondary
        time_intervals:
        - name: business-hours
          time_intervals: [{times: [{start_time: '09:00', end_time: '17:00'}]}]
        escalation_policies:
        - name: db-oncall
          levels:
          - receivers: [slack-db]
          - after: 10m
            receivers: [pagerduty-primary]
          - after: 15m
            receivers: [pagerduty-secondary]
            active_time_intervals: [business-hours]
          repeat: 2
          ack_timeout: 30m
        """;

    public static TheoryData<string, string, string> Invalid => new()
    {
        { "ack_timeout: 30m", "ack_timeout: 30m\n- name: db-oncall\n  restart_on_new_alert: false\n  levels: [{receivers: [slack-db]}]", "alertmanager.yml:25:3: escalation_policies[1]: escalation policy \"db-oncall\" is not unique" },
        { "receivers: [pagerduty-primary]", "receivers: [nobody]", "alertmanager.yml:19:16: escalation_policies[0].levels[1].receivers: undefined receiver \"nobody\" used in escalation policy \"db-oncall\"" },
        { "active_time_intervals: [business-hours]", "active_time_intervals: [never]", "alertmanager.yml:22:28: escalation_policies[0].levels[2].active_time_intervals: undefined time interval \"never\" used in escalation policy \"db-oncall\"" },
        { "- receivers: [slack-db]", "- after: 1m\n    receivers: [slack-db]", "escalation_policies[0].levels[0].receivers: the first level of escalation policy \"db-oncall\" must start at once" },
        { "after: 15m", "after: 5m", "escalation_policies[0].levels[2].receivers: levels of escalation policy \"db-oncall\" must have increasing after: 5m is not after 10m" },
        { "repeat: 2", "repeat: 6", "alertmanager.yml:23:11: escalation_policies[0].repeat: repeat must be between 0 and 5" },
        { "escalation_policy: db-oncall", "escalation_policy: other", "alertmanager.yml:6:24: route.routes[0].escalation_policy: undefined escalation policy \"other\" used in route" },
        { "ack_timeout: 30m", "ack_timeout: soon", "escalation_policies[0].ack_timeout: not a valid duration string: \"soon\"" },
        { "ack_timeout: 30m", "ack_timeout: 30m\n- name: single\n  repeat: 1\n  levels: [{receivers: [slack-db]}]", "alertmanager.yml:25:3: escalation_policies[1]: escalation policy \"single\" repeats a chain of one level: repeat needs at least two levels" },
        { "repeat: 2", "repeat: 2\n  escalate_forever: true", "escalation_policies[0].escalate_forever: field escalate_forever not found in type EscalationPolicy" },
    };

    [Fact]
    public void A_policy_is_parsed_with_defaults()
    {
        var config = AlertmanagerConfiguration.Load(ValidConfig);
        var policy = Assert.Single(config.EscalationPolicies);
        Assert.Equal("db-oncall", policy.Name);
        Assert.Equal([TimeSpan.Zero, TimeSpan.FromMinutes(10), TimeSpan.FromMinutes(15)], policy.Levels.Select(l => l.After));
        Assert.Equal(["business-hours"], policy.Levels[2].ActiveTimeIntervals);
        Assert.Equal(2, policy.Repeat);
        Assert.Equal(TimeSpan.FromMinutes(30), policy.AckTimeout);
        Assert.True(policy.RestartOnNewAlert);
        Assert.Equal("db-oncall", config.Route.Routes[0].EscalationPolicy);
    }

    [Theory]
    [MemberData(nameof(Invalid))]
    public void Invalid_policies_name_file_line_and_field(string replace, string with, string expected)
    {
        var yaml = ValidConfig.Replace(replace, with, StringComparison.Ordinal);
        Assert.NotEqual(ValidConfig, yaml);
        var ex = Assert.Throws<ConfigException>(() => AlertmanagerConfiguration.Load(yaml));
        Assert.Contains(expected, ex.Message, StringComparison.Ordinal);
    }
}
