using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Notify;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Templates;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Notify;

/// <summary>
/// Our notification templates (default definitions, Alertmanager's functions, <c>template.Data</c>
/// and its methods) render what Debian's <c>amtool template render</c> 0.25 renders for the same
/// data, byte for byte, errors included.
/// </summary>
public sealed class NotificationTemplateTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.Parse("2024-05-01T12:00:00Z");

    // A user template file loaded after the defaults, overriding one of them.
    private const string UserTemplate = """
        {{ define "custom.title" }}{{ .CommonLabels.alertname | toUpper }} on {{ .GroupLabels.SortedPairs.Values | join "," }}{{ end }}
        {{ define "__alertmanager" }}AM{{ end }}
        """;

    public static TheoryData<string> Texts() =>
    [
        """{{ template "__subject" . }}""",
        """{{ template "__alertmanagerURL" . }}""",
        """{{ template "slack.default.title" . }}|{{ template "slack.default.fallback" . }}|{{ template "slack.default.username" . }}""",
        """{{ template "pagerduty.default.instances" .Alerts.Firing }}""",
        """{{ template "pagerduty.default.instances" .Alerts.Resolved }}""",
        """{{ template "opsgenie.default.description" . }}""",
        """{{ template "wechat.default.message" . }}""",
        """{{ template "victorops.default.state_message" . }}""",
        """{{ template "pushover.default.message" . }}""",
        """{{ template "telegram.default.message" . }}""",
        """{{ template "webex.default.message" . }}""",
        """{{ template "custom.title" . }}""",
        """{{ .Status }} {{ .Receiver }} {{ .ExternalURL }} {{ len .Alerts }} {{ .Alerts.Firing | len }} {{ .Alerts.Resolved | len }}""",
        """{{ range .Alerts }}{{ .Status }} {{ .Labels.alertname }} {{ .StartsAt }} {{ .EndsAt }} {{ .GeneratorURL }} {{ .Fingerprint }};{{ end }}""",
        """{{ range .Alerts }}{{ .StartsAt.Format "2006-01-02T15:04:05Z07:00" }} {{ .Labels.SortedPairs.Names | join "," }};{{ end }}""",
        """{{ .CommonLabels.SortedPairs.Names }} {{ .CommonLabels.Names }} {{ .CommonLabels.Values | join "|" }}""",
        """{{ .CommonLabels.Remove .GroupLabels.Names }} {{ .CommonLabels }} {{ .GroupLabels.missing }}.""",
        """{{ range $k, $v := .CommonAnnotations }}{{ $k }}={{ $v }};{{ end }}""",
        """{{ title "hELLO wORLD foo_bar o'neil x.y" }}|{{ toUpper "straße" }}|{{ toLower "ÀBÇ" }}""",
        """{{ match "^a.c$" "abc" }} {{ match "^a" "ba" }} {{ reReplaceAll "(a+)" "<$1>" "caaat" }} {{ safeHtml "<b>" }}""",
        """{{ stringSlice "a" "b" "c" | join "-" }} {{ stringSlice }} {{ join ", " (stringSlice "x") }}""",
        """{{ .Receiver | urlquery }} {{ .CommonAnnotations.description | html }} {{ printf "%q" .CommonAnnotations.summary }}""",
        """{{ trimSpace " a " }}""",
        """{{ reReplaceAll "(" "x" "y" }}""",
        """{{ template "nope" . }}""",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public async Task Renders_as_amtool_does(string text)
    {
        using var dir = new TempDirectory("sm-am-template-");
        var userFile = dir.Combine("user.tmpl");
        await File.WriteAllTextAsync(userFile, UserTemplate);
        var ours = NotificationTemplate.FromTexts([("user.tmpl", UserTemplate)]);
        foreach (var (name, data) in DataSets())
        {
            var dataFile = dir.Combine(name + ".json");
            await File.WriteAllTextAsync(dataFile, DataJson(data));
            var (ok, expected) = await AmtoolTemplateRenderer.RenderAsync(dataFile, text, userFile);
            string actual;
            try
            {
                actual = ours.ExecuteText(text, data);
                Assert.True(ok, $"{name}: amtool failed ({expected}) where we rendered {actual}");
            }
            catch (Exception ex) when (ex is TemplateParseException or TemplateExecutionException)
            {
                Assert.False(ok, $"{name}: we failed ({ex.Message}) where amtool rendered {expected}");
                actual = "amtool: error: " + ex.Message;
            }

            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Data_follows_upstream()
    {
        var alerts = new[]
        {
            NewAlert(Now.AddMinutes(-5), null, "alertname", "A", "job", "j", "instance", "i1"),
            NewAlert(Now.AddMinutes(-5), Now.AddSeconds(-1), "alertname", "A", "job", "j", "instance", "i2"),
            NewAlert(Now.AddMinutes(-5), Now.AddMinutes(5), "alertname", "A", "job", "j", "instance", "i3"),
        };
        var data = TemplateData.Create("team.x (db)", LabelSet.FromStrings("job", "j"), alerts, "http://am", Now);
        Assert.Equal(@"team\.x \(db\)", data.Receiver);
        Assert.Equal("firing", data.Status);
        Assert.Equal(["firing", "resolved", "firing"], data.Alerts.Select(a => a.Status));
        Assert.Equal(["alertname", "job"], data.CommonLabels.Pairs.Select(p => p.Key));
        Assert.Equal("resolved", TemplateData.Create("r", LabelSet.Empty, [alerts[1]], "", Now).Status);
        Assert.Equal("resolved", TemplateData.Create("r", LabelSet.Empty, [], "", Now).Status);
        Assert.Equal(["alertname", "Z", "a", "b"], TemplateKV.From(LabelSet.FromStrings("b", "1", "alertname", "x", "a", "2", "Z", "3")).SortedPairs().Select(p => p.Key));
    }

    [Fact]
    public void Alertmanager_hands_templates_a_pointer_to_the_data()
    {
        // amtool renders with a template.Data value; Alertmanager's notifiers pass *template.Data,
        // which Go names in errors.
        var data = TemplateData.Create("r", LabelSet.Empty, [], "", Now);
        var ex = Assert.Throws<TemplateExecutionException>(() => NotificationTemplate.Default.ExecuteText("{{ .Nope }}", data));
        Assert.Equal("template: :1:3: executing \"\" at <.Nope>: can't evaluate field Nope in type *template.Data", ex.Message);
    }

    [Fact]
    public void The_embedded_defaults_define_every_integrations_templates()
    {
        var names = NotificationTemplate.Default.DefinedTemplates.ToHashSet();
        foreach (var name in new[] { "__subject", "__text_alert_list", "__text_alert_list_markdown", "slack.default.title", "pagerduty.default.instances", "msteams.default.text", "email.default.subject" })
        {
            Assert.Contains(name, names);
        }
    }

    internal static Alert NewAlert(DateTimeOffset startsAt, DateTimeOffset? endsAt, params string[] labels) => new()
    {
        Labels = LabelSet.FromStrings(labels),
        StartsAt = startsAt,
        EndsAt = endsAt,
        GeneratorUrl = "http://prometheus:9090/graph?g0.expr=up+%3D%3D+0&g0.tab=1",
    };

    private static IEnumerable<(string Name, TemplateData Data)> DataSets()
    {
        var firing = NewAlert(Now.AddMinutes(-10), null, "alertname", "DiskFull", "job", "node", "instance", "a:9100", "severity", "page", "team", "données ☃") with
        {
            Annotations = LabelSet.FromStrings("summary", "Disk <90%> & \"full\"", "description", "line1\nline2 <b>x</b>"),
        };
        var resolved = NewAlert(Now.AddMinutes(-20).AddTicks(1234567), Now.AddMinutes(-1), "alertname", "DiskFull", "job", "node", "instance", "b:9100", "severity", "page") with
        {
            Annotations = LabelSet.FromStrings("summary", "Disk <90%> & \"full\""),
        };
        yield return ("mixed", TemplateData.Create("team-db", LabelSet.FromStrings("alertname", "DiskFull"), [firing, resolved], "http://am.example:9093", Now));
        yield return ("resolved", TemplateData.Create("team-db", LabelSet.FromStrings("job", "node", "alertname", "DiskFull"), [resolved], "http://am.example:9093/prefix", Now));
        yield return ("nogroup", TemplateData.Create("web hooks", LabelSet.Empty, [NewAlert(Now, null, "alertname", "Solo")], "http://x", Now));
    }

    private static string DataJson(TemplateData data)
    {
        var json = new GoJsonWriter().BeginObject();
        WebhookNotifier.WriteData(json, data);
        return json.EndObject().ToString();
    }
}
