using System.Text.Json;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Tests.Rules.Api;

/// <summary>
/// <c>/api/v1/rules</c>, <c>/api/v1/alerts</c> and <c>/api/v1/alertmanagers</c> over rules evaluated at
/// known slots (<see cref="RulesApiHost"/>): the bodies byte for byte in Prometheus 3's encoding
/// (field order, HTML-escaped strings, unescaped labels, float seconds, RFC 3339 times with the
/// local zone for wall-clock readings and UTC for slots, <c>%e</c> values), the filters, the
/// pagination and upstream's parameter errors.
/// </summary>
public sealed class RulesEndpointsTests
{
    /// <summary>Wall clock of the evaluation at slot T0 + seconds, as printed in the default UTC+1 zone.</summary>
    private const string Wall0 = "2023-11-14T23:13:20.25+01:00";
    private const string Wall30 = "2023-11-14T23:13:50.25+01:00";
    private const string Wall300 = "2023-11-14T23:18:20.25+01:00";
    private const string Wall630 = "2023-11-14T23:23:50.25+01:00";
    private const string Zero = "0001-01-01T00:00:00Z";

    private const string AlertsToken = "8df851d511eb00b513376178325dc2e2eb52049de06150dc22a031887be4587a";
    private const string LimitedToken = "f58fae510de71e9adf2038249bfc0c60be9320c2654d646e66f46c325e74682d";
    private const string RecordsToken = "28ce7c8c319935fe18902c96219be3476eafe5fbdd69057760ff3fc2b6d10b64";

    /// <summary>Case, slots evaluated (seconds after T0), rule, its JSON, its group's <c>lastEvaluation</c>.</summary>
    public static TheoryData<string, string, string, string, string> RuleStates => new()
    {
        {
            "never evaluated: unknown state and health, zero times, no alerts", "", "Firing",
            """{"state":"unknown","name":"Firing","query":"x \u003e 0","duration":0,"keepFiringFor":0,"labels":{"severity":"page"},"annotations":{"runbook":"","summary":"x > 0 & <b>"},"alerts":[],"health":"unknown","evaluationTime":0,"lastEvaluation":"0001-01-01T00:00:00Z","type":"alerting"}""",
            Zero
        },
        {
            "for 0 fires at once; annotations and labels unescaped, query escaped", "0", "Firing",
            """{"state":"firing","name":"Firing","query":"x \u003e 0","duration":0,"keepFiringFor":0,"labels":{"severity":"page"},"annotations":{"runbook":"","summary":"x > 0 & <b>"},"alerts":[{"labels":{"alertname":"Firing","job":"a","severity":"page"},"annotations":{"runbook":"","summary":"x > 0 & <b>"},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"1e+00"},{"labels":{"alertname":"Firing","job":"b","severity":"page"},"annotations":{"runbook":"","summary":"x > 0 & <b>"},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"4.25e+01"}],"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"alerting"}""",
            Wall0
        },
        {
            "pending until for has passed", "0 30", "Pending",
            """{"state":"pending","name":"Pending","query":"x \u003e 0","duration":300,"keepFiringFor":0,"labels":{"severity":"ticket"},"annotations":{},"alerts":[{"labels":{"alertname":"Pending","job":"a","severity":"ticket"},"annotations":{},"state":"pending","activeAt":"2023-11-14T22:13:20Z","value":"1e+00"},{"labels":{"alertname":"Pending","job":"b","severity":"ticket"},"annotations":{},"state":"pending","activeAt":"2023-11-14T22:13:20Z","value":"4.25e+01"}],"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:50.25+01:00","type":"alerting"}""",
            Wall30
        },
        {
            "firing once for has passed, active since the first slot", "0 300", "Pending",
            """{"state":"firing","name":"Pending","query":"x \u003e 0","duration":300,"keepFiringFor":0,"labels":{"severity":"ticket"},"annotations":{},"alerts":[{"labels":{"alertname":"Pending","job":"a","severity":"ticket"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"1e+00"},{"labels":{"alertname":"Pending","job":"b","severity":"ticket"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"4.25e+01"}],"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:18:20.25+01:00","type":"alerting"}""",
            Wall300
        },
        {
            "evaluated without alerts: inactive", "0", "Inactive",
            """{"state":"inactive","name":"Inactive","query":"x \u003e 100","duration":30,"keepFiringFor":60,"labels":{},"annotations":{},"alerts":[],"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"alerting"}""",
            Wall0
        },
        {
            "firing before its series vanished: no keepFiringSince yet", "0", "KeptFiring",
            """{"state":"firing","name":"KeptFiring","query":"y \u003e 0","duration":0,"keepFiringFor":600,"labels":{},"annotations":{},"alerts":[{"labels":{"alertname":"KeptFiring","job":"a"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"3e+00"}],"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"alerting"}""",
            Wall0
        },
        {
            "kept firing after its series vanished: keepFiringSince, the last value", "0 30", "KeptFiring",
            """{"state":"firing","name":"KeptFiring","query":"y \u003e 0","duration":0,"keepFiringFor":600,"labels":{},"annotations":{},"alerts":[{"labels":{"alertname":"KeptFiring","job":"a"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","keepFiringSince":"2023-11-14T22:13:50Z","value":"3e+00"}],"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:50.25+01:00","type":"alerting"}""",
            Wall30
        },
        {
            "resolved once keep_firing_for has passed: inactive, the resolved alert not listed", "0 30 630", "KeptFiring",
            """{"state":"inactive","name":"KeptFiring","query":"y \u003e 0","duration":0,"keepFiringFor":600,"labels":{},"annotations":{},"alerts":[],"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:23:50.25+01:00","type":"alerting"}""",
            Wall630
        },
        {
            "values as Go's %e: NaN and -Inf; alerts sorted by labels", "0", "Special",
            """{"state":"firing","name":"Special","query":"z","duration":0,"keepFiringFor":0,"labels":{},"annotations":{},"alerts":[{"labels":{"alertname":"Special","v":"inf"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"-Inf"},{"labels":{"alertname":"Special","v":"nan"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"NaN"},{"labels":{"alertname":"Special","v":"small"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"1.25e-07"}],"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"alerting"}""",
            Wall0
        },
        {
            "a failing rule: err and lastError, inactive", "0", "Failing",
            """{"state":"inactive","name":"Failing","query":"x","duration":0,"keepFiringFor":0,"labels":{"job":"same"},"annotations":{},"alerts":[],"health":"err","lastError":"vector contains metrics with the same labelset after applying alert labels","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"alerting"}""",
            Wall0
        },
    };

    /// <summary>Query, the groups and rules listed (<c>group:rule,rule group:rule</c>), whether alerts are null.</summary>
    public static TheoryData<string, string, bool> Filters => new()
    {
        { "", "alerts:Firing,Pending,Inactive,KeptFiring,Special,Failing limited:limited:x records:job:x:sum,x:labelled", false },
        { "type=alert", "alerts:Firing,Pending,Inactive,KeptFiring,Special,Failing", false },
        { "type=Alert", "alerts:Firing,Pending,Inactive,KeptFiring,Special,Failing", false },
        { "type=record", "limited:limited:x records:job:x:sum,x:labelled", false },
        { "rule_name[]=Pending&rule_name[]=job:x:sum", "alerts:Pending records:job:x:sum", false },
        { "rule_name[]=NoSuchRule", "", false },
        { "rule_group[]=records&rule_group[]=limited", "limited:limited:x records:job:x:sum,x:labelled", false },
        { "file[]=records.yml", "records:job:x:sum,x:labelled", false },
        { "file[]=alerts.yml&rule_group[]=records", "", false },
        { "match[]={severity=\"page\"}", "alerts:Firing records:x:labelled", false },
        { "match[]={severity=~\"page|ticket\"}&match[]={job=\"same\"}", "alerts:Firing,Pending,Failing records:x:labelled", false },
        { "match[]={severity=\"page\"}&type=record", "records:x:labelled", false },
        { "match[]={team=~\".*<.*\"}", "records:x:labelled", false },
        { "exclude_alerts=true", "alerts:Firing,Pending,Inactive,KeptFiring,Special,Failing limited:limited:x records:job:x:sum,x:labelled", true },
        { "exclude_alerts=TRUE&type=alert", "alerts:Firing,Pending,Inactive,KeptFiring,Special,Failing", true },
        { "exclude_alerts=1&rule_name[]=Firing", "alerts:Firing", true },
        { "exclude_alerts=f", "alerts:Firing,Pending,Inactive,KeptFiring,Special,Failing limited:limited:x records:job:x:sum,x:labelled", false },
    };

    /// <summary>Query, the groups of the page, its <c>groupNextToken</c> (empty: none).</summary>
    public static TheoryData<string, string, string> Pages => new()
    {
        { "group_limit=1", "alerts", LimitedToken },
        { $"group_limit=1&group_next_token={LimitedToken}", "limited", RecordsToken },
        { $"group_limit=1&group_next_token={RecordsToken}", "records", "" },
        { $"group_limit=2&group_next_token={LimitedToken}", "limited records", "" },
        { "group_limit=3", "alerts limited records", "" },
        { "group_limit=2147483647", "alerts limited records", "" },
        { "group_limit=%2B2", "alerts limited", RecordsToken },
        { $"group_limit=2&group_next_token={AlertsToken}", "alerts limited", RecordsToken },

        // Groups the filters leave empty are not listed and do not count.
        { "group_limit=1&type=record", "limited", RecordsToken },
        { "group_limit=1&rule_group[]=records", "records", "" },

        // As upstream, the token is looked for before the filters.
        { $"group_limit=1&group_next_token={AlertsToken}&rule_group[]=records", "records", "" },
        { $"group_limit=1&group_next_token={LimitedToken}&type=alert", "", "" },
    };

    /// <summary>Query, upstream's <c>bad_data</c> text (HTTP 400).</summary>
    public static TheoryData<string, string> Errors => new()
    {
        { "type=x", "invalid parameter \"type\": not supported value \"x\"" },
        { "type=ALERTX", "invalid parameter \"type\": not supported value \"alertx\"" },
        { "exclude_alerts=yes", "invalid parameter \"exclude_alerts\": error converting exclude_alerts: strconv.ParseBool: parsing \"yes\": invalid syntax" },
        { "exclude_alerts=YES", "invalid parameter \"exclude_alerts\": error converting exclude_alerts: strconv.ParseBool: parsing \"yes\": invalid syntax" },
        { "group_next_token=abc", "invalid parameter \"group_next_token\": group_limit needs to be present in order to paginate over the groups" },
        { "group_limit=abc", "invalid parameter \"group_limit\": group_limit needs to be a valid number: strconv.ParseInt: parsing \"abc\": invalid syntax" },
        { "group_limit=%2B", "invalid parameter \"group_limit\": group_limit needs to be a valid number: strconv.ParseInt: parsing \"+\": invalid syntax" },
        { "group_limit=1.5", "invalid parameter \"group_limit\": group_limit needs to be a valid number: strconv.ParseInt: parsing \"1.5\": invalid syntax" },
        { "group_limit=2147483648", "invalid parameter \"group_limit\": group_limit needs to be a valid number: strconv.ParseInt: parsing \"2147483648\": value out of range" },
        { "group_limit=-2147483649", "invalid parameter \"group_limit\": group_limit needs to be a valid number: strconv.ParseInt: parsing \"-2147483649\": value out of range" },
        { "group_limit=99999999999x", "invalid parameter \"group_limit\": group_limit needs to be a valid number: strconv.ParseInt: parsing \"99999999999x\": value out of range" },
        { "group_limit=0", "invalid parameter \"group_limit\": group_limit needs to be greater than 0" },
        { "group_limit=-2147483648", "invalid parameter \"group_limit\": group_limit needs to be greater than 0" },
        { "group_limit=1&group_next_token=nope", "invalid parameter \"group_next_token\": invalid group_next_token 'nope'. were rule groups changed?" },
        { "group_limit=1&group_next_token=nope&rule_group[]=none", "invalid parameter \"group_next_token\": invalid group_next_token 'nope'. were rule groups changed?" },
        { "match[]=up{", "1:4: parse error: unexpected end of input inside braces" },
        { "match[]={severity!=\"page\"}", "match[] must contain at least one non-empty matcher" },

        // Upstream's order: match[], type, exclude_alerts, then the page parameters.
        { "type=x&match[]=up{", "1:4: parse error: unexpected end of input inside braces" },
        { "exclude_alerts=yes&type=x", "invalid parameter \"type\": not supported value \"x\"" },
        { "group_limit=0&exclude_alerts=yes", "invalid parameter \"exclude_alerts\": error converting exclude_alerts: strconv.ParseBool: parsing \"yes\": invalid syntax" },
    };

    [Theory]
    [MemberData(nameof(RuleStates))]
    public async Task Rules_are_written_as_Prometheus_3_in_every_state(string name, string slots, string rule, string expectedRule, string groupLastEvaluation)
    {
        Assert.NotEmpty(name);
        await using var host = await StartAsync(slots);
        var (status, body) = await host.GetAsync($"/api/v1/rules?rule_name[]={rule}");
        Assert.Equal(200, status);
        Assert.Equal(
            $$$"""{"status":"success","data":{"groups":[{"name":"alerts","file":"alerts.yml","rules":[{{{expectedRule}}}],"interval":15,"limit":0,"evaluationTime":0,"lastEvaluation":"{{{groupLastEvaluation}}}"}]}}""",
            body);
    }

    [Fact]
    public async Task Recording_rules_are_written_as_Prometheus_3_healthy_or_failing()
    {
        await using var host = await StartAsync("0");
        Assert.Equal(
            """{"status":"success","data":{"groups":[{"name":"limited","file":"alerts.yml","rules":[{"name":"limited:x","query":"x","labels":{},"health":"err","lastError":"exceeded limit of 1 with 2 series","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"recording"}],"interval":60,"limit":1,"evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00"},{"name":"records","file":"records.yml","rules":[{"name":"job:x:sum","query":"sum by (job) (x)","labels":{},"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"recording"},{"name":"x:labelled","query":"x{job=\"a\"}","labels":{"severity":"page","team":"a<b>&c"},"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"recording"}],"interval":60,"limit":0,"evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00"}]}}""",
            (await host.GetAsync("/api/v1/rules?type=record")).Body);
    }

    [Fact]
    public async Task Excluded_alerts_are_null_as_upstream_writes_a_nil_slice()
    {
        await using var host = await StartAsync("0");
        Assert.Equal(
            """{"status":"success","data":{"groups":[{"name":"alerts","file":"alerts.yml","rules":[{"state":"firing","name":"Firing","query":"x \u003e 0","duration":0,"keepFiringFor":0,"labels":{"severity":"page"},"annotations":{"runbook":"","summary":"x > 0 & <b>"},"alerts":null,"health":"ok","evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00","type":"alerting"}],"interval":15,"limit":0,"evaluationTime":0,"lastEvaluation":"2023-11-14T23:13:20.25+01:00"}]}}""",
            (await host.GetAsync("/api/v1/rules?rule_name[]=Firing&exclude_alerts=true")).Body);
    }

    [Fact]
    public async Task Wall_clock_readings_are_printed_in_the_local_zone_and_slots_in_UTC()
    {
        await using var host = await RulesApiHost.StartAsync(RulesApiRuleFiles.Files, TimeZoneInfo.Utc);
        AddData(host);
        await host.EvaluateAsync(0);
        using var json = JsonDocument.Parse((await host.GetAsync("/api/v1/rules?rule_name[]=Firing")).Body);
        var group = json.RootElement.GetProperty("data").GetProperty("groups")[0];
        Assert.Equal("2023-11-14T22:13:20.25Z", group.GetProperty("lastEvaluation").GetString());
        Assert.Equal("2023-11-14T22:13:20.25Z", group.GetProperty("rules")[0].GetProperty("lastEvaluation").GetString());
        Assert.Equal("2023-11-14T22:13:20Z", group.GetProperty("rules")[0].GetProperty("alerts")[0].GetProperty("activeAt").GetString());
    }

    [Theory]
    [MemberData(nameof(Filters))]
    public async Task Rules_are_filtered_as_upstream(string query, string expected, bool alertsNull)
    {
        await using var host = await StartAsync("0");
        var (status, body) = await host.GetAsync("/api/v1/rules?" + query);
        Assert.True(status == 200, body);
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        Assert.Equal(expected, Listing(data));
        Assert.False(data.TryGetProperty("groupNextToken", out _));
        foreach (var rule in data.GetProperty("groups").EnumerateArray().SelectMany(g => g.GetProperty("rules").EnumerateArray()))
        {
            if (rule.GetProperty("type").GetString() == "alerting")
            {
                Assert.Equal(alertsNull ? JsonValueKind.Null : JsonValueKind.Array, rule.GetProperty("alerts").ValueKind);
            }
            else
            {
                Assert.False(rule.TryGetProperty("alerts", out _));
            }
        }
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Groups_are_paginated_as_upstream(string query, string expectedGroups, string expectedToken)
    {
        await using var host = await StartAsync("0");
        var (status, body) = await host.GetAsync("/api/v1/rules?" + query);
        Assert.True(status == 200, body);
        using var json = JsonDocument.Parse(body);
        var data = json.RootElement.GetProperty("data");
        Assert.Equal(expectedGroups, string.Join(' ', data.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString())));
        Assert.Equal(expectedToken, data.TryGetProperty("groupNextToken", out var token) ? token.GetString() : string.Empty);
        if (expectedToken.Length > 0)
        {
            // The token is the last field, after the groups.
            Assert.EndsWith($$$""","groupNextToken":"{{{expectedToken}}}"}}""", body, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Following_the_tokens_lists_every_group_once()
    {
        await using var host = await StartAsync("0");
        var seen = new List<string>();
        var token = string.Empty;
        do
        {
            using var json = JsonDocument.Parse((await host.GetAsync($"/api/v1/rules?group_limit=1&group_next_token={token}")).Body);
            var data = json.RootElement.GetProperty("data");
            seen.AddRange(data.GetProperty("groups").EnumerateArray().Select(g => g.GetProperty("name").GetString()!));
            token = data.TryGetProperty("groupNextToken", out var next) ? next.GetString()! : string.Empty;
        }
        while (token.Length > 0 && seen.Count < 10);

        Assert.Equal(["alerts", "limited", "records"], seen);
    }

    [Theory]
    [MemberData(nameof(Errors))]
    public async Task Bad_parameters_are_refused_with_upstream_s_errors(string query, string expected)
    {
        await using var host = await StartAsync("0");
        var (status, body) = await host.GetAsync("/api/v1/rules?" + query);
        Assert.Equal(400, status);
        Assert.Equal($$"""{"status":"error","errorType":"bad_data","error":"{{expected.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal)}}"}""", body);
    }

    [Fact]
    public async Task Alerts_lists_the_active_alerts_of_every_alerting_rule()
    {
        await using var host = await StartAsync("0 30");
        Assert.Equal(
            """{"status":"success","data":{"alerts":[{"labels":{"alertname":"Firing","job":"a","severity":"page"},"annotations":{"runbook":"","summary":"x > 0 & <b>"},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"1e+00"},{"labels":{"alertname":"Firing","job":"b","severity":"page"},"annotations":{"runbook":"","summary":"x > 0 & <b>"},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"4.25e+01"},{"labels":{"alertname":"Pending","job":"a","severity":"ticket"},"annotations":{},"state":"pending","activeAt":"2023-11-14T22:13:20Z","value":"1e+00"},{"labels":{"alertname":"Pending","job":"b","severity":"ticket"},"annotations":{},"state":"pending","activeAt":"2023-11-14T22:13:20Z","value":"4.25e+01"},{"labels":{"alertname":"KeptFiring","job":"a"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","keepFiringSince":"2023-11-14T22:13:50Z","value":"3e+00"},{"labels":{"alertname":"Special","v":"inf"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"-Inf"},{"labels":{"alertname":"Special","v":"nan"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"NaN"},{"labels":{"alertname":"Special","v":"small"},"annotations":{},"state":"firing","activeAt":"2023-11-14T22:13:20Z","value":"1.25e-07"}]}}""",
            (await host.GetAsync("/api/v1/alerts")).Body);
    }

    [Fact]
    public async Task Without_groups_the_lists_are_empty()
    {
        await using var host = await RulesApiHost.StartAsync([]);
        Assert.Equal((200, """{"status":"success","data":{"groups":[]}}"""), await host.GetAsync("/api/v1/rules"));
        Assert.Equal((200, """{"status":"success","data":{"alerts":[]}}"""), await host.GetAsync("/api/v1/alerts"));
        Assert.Equal((200, """{"status":"success","data":{"groups":[]}}"""), await host.GetAsync("/api/v1/rules?group_limit=5"));
        Assert.Equal(400, (await host.GetAsync($"/api/v1/rules?group_limit=5&group_next_token={AlertsToken}")).Status);
    }

    [Fact]
    public async Task Alertmanagers_lists_the_notifier_s_active_and_dropped_Alertmanagers()
    {
        await using var host = await RulesApiHost.StartAsync([]);
        Assert.Equal(
            (200, """{"status":"success","data":{"activeAlertmanagers":[],"droppedAlertmanagers":[]}}"""),
            await host.GetAsync("/api/v1/alertmanagers"));

        await host.Notifier.ApplyConfigAsync(PrometheusConfig.Load("""
            alerting:
              alertmanagers:
                - path_prefix: /prefix
                  static_configs:
                    - targets: ['127.0.0.1:9093', 'am.example:80']
                - scheme: https
                  static_configs:
                    - targets: ['127.0.0.1:9094', '127.0.0.1:9095']
                  relabel_configs:
                    - source_labels: [__address__]
                      regex: '127.0.0.1:9094'
                      action: drop
            """), CancellationToken.None);
        Assert.Equal(
            (200, """{"status":"success","data":{"activeAlertmanagers":[{"url":"http://127.0.0.1:9093/prefix/api/v2/alerts"},{"url":"http://am.example:80/prefix/api/v2/alerts"},{"url":"https://127.0.0.1:9095/api/v2/alerts"}],"droppedAlertmanagers":[{"url":"https://127.0.0.1:9094/api/v2/alerts"}]}}"""),
            await host.GetAsync("/api/v1/alertmanagers"));
    }

    /// <summary>A host over <see cref="RulesApiRuleFiles.Files"/> with the test data, evaluated at <paramref name="slots"/>.</summary>
    private static async Task<RulesApiHost> StartAsync(string slots)
    {
        var host = await RulesApiHost.StartAsync(RulesApiRuleFiles.Files);
        AddData(host);
        foreach (var slot in slots.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            await host.EvaluateAsync(double.Parse(slot, System.Globalization.CultureInfo.InvariantCulture));
        }

        return host;
    }

    /// <summary>x{job=a} 1 and x{job=b} 42.5 every 15 s; y{job=a} 3 at 0, stale from 20 s; z NaN, -Inf and 1.25e-7 every 15 s.</summary>
    private static void AddData(RulesApiHost host)
    {
        for (var t = 0; t <= 900; t += 15)
        {
            host.Add(LabelSet.FromStrings("__name__", "x", "job", "a"), t, 1);
            host.Add(LabelSet.FromStrings("__name__", "x", "job", "b"), t, 42.5);
            host.Add(LabelSet.FromStrings("__name__", "z", "v", "nan"), t, double.NaN);
            host.Add(LabelSet.FromStrings("__name__", "z", "v", "inf"), t, double.NegativeInfinity);
            host.Add(LabelSet.FromStrings("__name__", "z", "v", "small"), t, 1.25e-7);
        }

        host.Add(LabelSet.FromStrings("__name__", "y", "job", "a"), 0, 3);
        host.Add(LabelSet.FromStrings("__name__", "y", "job", "a"), 20, StaleMarker.Value);
    }

    private static string Listing(JsonElement data) => string.Join(' ', data.GetProperty("groups").EnumerateArray().Select(g =>
        g.GetProperty("name").GetString() + ":" + string.Join(',', g.GetProperty("rules").EnumerateArray().Select(r => r.GetProperty("name").GetString()))));
}
