using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// The <c>data</c> of <c>/api/v1/rules</c>, <c>/api/v1/alerts</c> and <c>/api/v1/alertmanagers</c> in
/// Prometheus 3's field order and encodings (web/api/v1 <c>RuleDiscovery</c>, <c>AlertDiscovery</c>,
/// <c>AlertmanagerDiscovery</c>): durations as float seconds, <c>lastEvaluation</c> in the local zone
/// (upstream stamps it with <c>time.Now()</c>), <c>activeAt</c> and <c>keepFiringSince</c> in UTC (the
/// evaluation slot), <c>value</c> as Go's <c>FormatFloat(v, 'e', -1, 64)</c>. Upstream lists alerts in map
/// order; here they are sorted by labels so that answers are stable.
/// </summary>
internal static class RulesJson
{
    public static void WriteRules(Utf8JsonWriter json, RulesPage page, bool excludeAlerts, TimeZoneInfo localZone)
    {
        json.WriteStartObject();
        json.WriteStartArray("groups");
        foreach (var (group, rules) in page.Groups)
        {
            json.WriteStartObject();
            GoJson.WriteString(json, "name", group.Name);
            GoJson.WriteString(json, "file", group.File);
            json.WriteStartArray("rules");
            foreach (var rule in rules)
            {
                WriteRule(json, rule, excludeAlerts, localZone);
            }

            json.WriteEndArray();
            GoJson.WriteSeconds(json, "interval", group.Interval);
            json.WriteNumber("limit", group.Limit);
            GoJson.WriteSeconds(json, "evaluationTime", group.EvaluationTime);
            GoJson.WriteTime(json, "lastEvaluation", group.LastEvaluation, localZone);
            json.WriteEndObject();
        }

        json.WriteEndArray();
        if (page.NextToken is { Length: > 0 } token)
        {
            GoJson.WriteString(json, "groupNextToken", token);
        }

        json.WriteEndObject();
    }

    /// <summary>Every active alert of every alerting rule: groups by file and name, rules in file order.</summary>
    public static void WriteAlerts(Utf8JsonWriter json, IEnumerable<RuleGroupStatus> groups)
    {
        json.WriteStartObject();
        json.WriteStartArray("alerts");
        foreach (var group in groups.OrderBy(g => g.File, Utf8Ordinal.Instance).ThenBy(g => g.Name, Utf8Ordinal.Instance))
        {
            foreach (var rule in group.Rules.Where(r => r.Rule is AlertingRule))
            {
                WriteAlertList(json, rule.Alerts);
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
    }

    /// <summary><c>{"activeAlertmanagers":[{"url":…}],"droppedAlertmanagers":[…]}</c>.</summary>
    public static void WriteAlertmanagers(Utf8JsonWriter json, IEnumerable<Uri> active, IEnumerable<Uri> dropped)
    {
        json.WriteStartObject();
        WriteUrls(json, "activeAlertmanagers", active);
        WriteUrls(json, "droppedAlertmanagers", dropped);
        json.WriteEndObject();
    }

    /// <summary>Upstream's <c>AlertState.String()</c>.</summary>
    public static string StateName(AlertState state) => state switch
    {
        AlertState.Inactive => "inactive",
        AlertState.Pending => "pending",
        AlertState.Firing => "firing",
        _ => "unknown",
    };

    /// <summary>Upstream's <c>RuleHealth</c> values.</summary>
    public static string HealthName(RuleHealth health) => health switch
    {
        RuleHealth.Ok => "ok",
        RuleHealth.Err => "err",
        _ => "unknown",
    };

    private static void WriteRule(Utf8JsonWriter json, RuleStatus status, bool excludeAlerts, TimeZoneInfo localZone)
    {
        var rule = status.Rule;
        json.WriteStartObject();
        if (rule is AlertingRule alerting)
        {
            GoJson.WriteString(json, "state", StateName(status.State ?? AlertState.Unknown));
            GoJson.WriteString(json, "name", rule.Name);
            GoJson.WriteString(json, "query", rule.QueryText);
            GoJson.WriteSeconds(json, "duration", alerting.For);
            GoJson.WriteSeconds(json, "keepFiringFor", alerting.KeepFiringFor);
            GoJson.WriteLabels(json, "labels", [.. rule.Labels]);
            GoJson.WriteLabels(json, "annotations", [.. alerting.Annotations]);
            json.WritePropertyName("alerts");
            if (excludeAlerts)
            {
                // Upstream leaves the slice nil, which Go writes as null.
                json.WriteNullValue();
            }
            else
            {
                json.WriteStartArray();
                WriteAlertList(json, status.Alerts);
                json.WriteEndArray();
            }
        }
        else
        {
            GoJson.WriteString(json, "name", rule.Name);
            GoJson.WriteString(json, "query", rule.QueryText);
            GoJson.WriteLabels(json, "labels", [.. rule.Labels]);
        }

        GoJson.WriteString(json, "health", HealthName(status.Health));
        if (status.LastError is { Length: > 0 } error)
        {
            GoJson.WriteString(json, "lastError", error);
        }

        GoJson.WriteSeconds(json, "evaluationTime", status.EvaluationTime);
        GoJson.WriteTime(json, "lastEvaluation", status.LastEvaluation, localZone);
        GoJson.WriteString(json, "type", rule is AlertingRule ? "alerting" : "recording");
        json.WriteEndObject();
    }

    /// <summary>Upstream's <c>ActiveAlerts</c> (those not resolved), sorted by labels.</summary>
    private static void WriteAlertList(Utf8JsonWriter json, IReadOnlyList<Alert> alerts)
    {
        foreach (var alert in alerts.Where(a => a.ResolvedAt is null).OrderBy(a => a.Labels, Comparer<LabelSet>.Create(LabelSet.Compare)))
        {
            json.WriteStartObject();
            GoJson.WriteLabels(json, "labels", alert.Labels.AsSpan());
            GoJson.WriteLabels(json, "annotations", [.. alert.Annotations]);
            GoJson.WriteString(json, "state", StateName(alert.State));
            GoJson.WriteTime(json, "activeAt", alert.ActiveAt, TimeZoneInfo.Utc);
            if (alert.KeepFiringSince is { } since)
            {
                GoJson.WriteTime(json, "keepFiringSince", since, TimeZoneInfo.Utc);
            }

            GoJson.WriteString(json, "value", Core.Text.GoFloatFormatter.Format(alert.Value, 'e'));
            json.WriteEndObject();
        }
    }

    private static void WriteUrls(Utf8JsonWriter json, string name, IEnumerable<Uri> urls)
    {
        json.WriteStartArray(name);
        foreach (var url in urls)
        {
            json.WriteStartObject();

            // The URL as the notifier built it (scheme://address/path), as Go's url.String() keeps an explicit port.
            GoJson.WriteString(json, "url", url.OriginalString);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }
}
