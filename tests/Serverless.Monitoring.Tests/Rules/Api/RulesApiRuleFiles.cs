namespace Serverless.Monitoring.Tests.Rules.Api;

/// <summary>
/// The rule files of the endpoint tests: alerting rules that end up in every state (firing, pending,
/// inactive, kept firing, failing), values that print as Go's <c>%e</c> (fractions, NaN, infinity),
/// and recording rules, over three groups in two files.
/// </summary>
internal static class RulesApiRuleFiles
{
    public const string Alerts = """
        groups:
          - name: alerts
            interval: 15s
            rules:
              - alert: Firing
                expr: x > 0
                labels: { severity: page }
                annotations: { summary: "x > 0 & <b>", runbook: "" }
              - alert: Pending
                expr: x > 0
                for: 5m
                labels: { severity: ticket }
              - alert: Inactive
                expr: x > 100
                for: 30s
                keep_firing_for: 1m
              - alert: KeptFiring
                expr: y > 0
                keep_firing_for: 10m
              - alert: Special
                expr: z
              - alert: Failing
                expr: x
                labels: { job: same }
          - name: limited
            interval: 1m
            limit: 1
            rules:
              - record: "limited:x"
                expr: x
        """;

    public const string Records = """
        groups:
          - name: records
            interval: 1m
            rules:
              - record: "job:x:sum"
                expr: sum by (job) (x)
              - record: "x:labelled"
                expr: x{job="a"}
                labels: { team: "a<b>&c", severity: page }
        """;

    /// <summary>Both files: <c>alerts.yml</c> (groups alerts and limited), <c>records.yml</c> (group records).</summary>
    public static IReadOnlyList<(string Path, string Yaml)> Files { get; } = [("alerts.yml", Alerts), ("records.yml", Records)];
}
