using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Alerting.Notify;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Alerting.Notify;

/// <summary>
/// Acceptance: a real Alertmanager 0.25 with webhook, Slack and PagerDuty receivers pointing at a
/// <see cref="RecordingHttpSink"/> is sent alerts (firing, then some resolved; HTML characters,
/// unicode, more alerts than <c>max_alerts</c>, custom templates); for every request it makes we
/// build ours for the same group (the group key it used, the alerts it had) and compare the bodies
/// byte for byte, and the User-Agent and Content-Type headers.
/// </summary>
public sealed class PayloadsAgainstAlertmanagerTests
{
    private const string ExternalUrl = "http://alerts.example.test:9093/am";

    private const int GroupIntervalSeconds = 2;

    // Recent starts, so each group waits its group_wait (5 s) for the whole batch; an alert that
    // started more than group_wait ago makes Alertmanager flush at once, possibly mid-batch.
    private static readonly DateTimeOffset T0 = new DateTimeOffset(DateTimeOffset.UtcNow.Ticks / TimeSpan.TicksPerSecond * TimeSpan.TicksPerSecond, TimeSpan.Zero).AddTicks(1234567 - TimeSpan.TicksPerSecond);

    private const string CustomTemplates = """
        {{ define "custom.title" }}{{ .CommonLabels.alertname }} — {{ .Alerts.Firing | len }} firing <{{ .Receiver }}>{{ end }}
        {{ define "custom.text" }}{{ range .Alerts }}* {{ .Labels.instance }}: {{ .Annotations.summary }} ({{ .Status | title }})
        {{ end }}{{ end }}
        {{ define "__alertmanager" }}Our AM{{ end }}
        """;

    /// <summary>One receiver under test: its integrations in Alertmanager's YAML and as our options, and its alerts.</summary>
    public sealed record PayloadCase(string Name, string ReceiverYaml, WebhookOptions? Webhook, SlackOptions? Slack, PagerDutyOptions? PagerDuty, Alert[] Alerts, int[] ResolveIndexes);

    private static string Sink(string caseName, string integration) => $"{{SINK}}/{caseName}/{integration}";

    private static Alert NewAlert(string caseName, string alertname, string instance, LabelSet annotations, int minutes, string? extraName = null, string? extraValue = null)
    {
        var labels = LabelSet.FromStrings("case", caseName, "alertname", alertname, "instance", instance, "job", "node", "severity", "critical");
        if (extraName is not null)
        {
            labels = labels.With(extraName, extraValue!);
        }

        return new Alert { Labels = labels, Annotations = annotations, StartsAt = T0.AddMilliseconds(-37 * minutes), GeneratorUrl = $"http://prometheus:9090/graph?g0.expr=up%7Bi%3D%22{instance}%22%7D&g0.tab=1" };
    }

    public static IEnumerable<PayloadCase> Cases()
    {
        var basicAnnotations = LabelSet.FromStrings("summary", "Disk <90%> & \"full\" on données ☃", "description", "line1\nline2\t<b>bold</b> \u2028 end");
        yield return new PayloadCase(
            "basic",
            $$$"""
              webhook_configs: [{ url: '{{{Sink("basic", "webhook")}}}' }]
              slack_configs: [{ api_url: '{{{Sink("basic", "slack")}}}', channel: '#alerts' }]
              pagerduty_configs: [{ routing_key: 'rk-basic', url: '{{{Sink("basic", "pagerduty")}}}' }]
            """,
            new WebhookOptions { Url = "" },
            new SlackOptions { ApiUrl = "", Channel = "#alerts" },
            new PagerDutyOptions { RoutingKey = "rk-basic" },
            [
                NewAlert("basic", "Disk<Full>&", "b:9100", basicAnnotations, 1),
                NewAlert("basic", "Disk<Full>&", "a:9100", basicAnnotations, 2, "team", "données ☃"),
                NewAlert("basic", "Disk<Full>&", "c:9100", basicAnnotations.With("summary", "other"), 3),
            ],
            [1]);

        var many = Enumerable.Range(0, 8)
            .Select(i => NewAlert("many", "TooMany", $"host-{(i * 5) % 8}:9100", LabelSet.FromStrings("summary", $"alert {i}"), i))
            .ToArray();
        yield return new PayloadCase(
            "many",
            $$$"""
              webhook_configs: [{ url: '{{{Sink("many", "webhook")}}}', max_alerts: 3 }]
              pagerduty_configs: [{ routing_key: 'rk-many', url: '{{{Sink("many", "pagerduty")}}}' }]
            """,
            new WebhookOptions { Url = "", MaxAlerts = 3 },
            null,
            new PagerDutyOptions { RoutingKey = "rk-many" },
            many,
            [0, 1, 2, 3, 4, 5, 6, 7]);

        var longText = string.Concat(Enumerable.Repeat("é☃x", 400));
        yield return new PayloadCase(
            "custom",
            $$$"""
              webhook_configs: [{ url: '{{{Sink("custom", "webhook")}}}' }]
              slack_configs:
              - api_url: '{{{Sink("custom", "slack")}}}'
                send_resolved: true
                channel: '#ops-{{ .GroupLabels.alertname }}'
                username: 'bot {{ template "__alertmanager" . }}'
                icon_emoji: ':fire:'
                link_names: true
                title: '{{ template "custom.title" . }} {{ .CommonAnnotations.long }}'
                title_link: 'http://runbooks/{{ .GroupLabels.alertname | urlquery }}'
                pretext: 'pre {{ .Status }}'
                text: '{{ template "custom.text" . }}'
                footer: 'foot'
                callback_id: 'cb-{{ .CommonLabels.job }}'
                image_url: 'http://img/x.png'
                thumb_url: 'http://img/t.png'
                mrkdwn_in: [title, text]
                fields:
                - { title: 'Severity', value: '{{ .CommonLabels.severity | toUpper }}', short: true }
                - { title: 'Count', value: '{{ len .Alerts }}' }
                actions:
                - { type: button, text: 'Runbook', url: 'http://rb/{{ .GroupLabels.alertname }}', style: primary }
                - { type: button, text: 'Ack', name: ack, value: '{{ .CommonLabels.job }}', confirm: { text: 'Sure?', title: 'Ack it', ok_text: 'Yes', dismiss_text: 'No' } }
              pagerduty_configs:
              - routing_key: 'rk-{{ .CommonLabels.job }}'
                url: '{{{Sink("custom", "pagerduty")}}}'
                description: '{{ .CommonAnnotations.long }}'
                severity: '{{ if eq .Status "firing" }}critical{{ else }}info{{ end }}'
                class: 'disk'
                component: '{{ .CommonLabels.job }}'
                group: 'storage'
                source: 'src {{ .ExternalURL }}'
                details: { note: '{{ .CommonAnnotations.summary }}', firing: 'overridden {{ .Alerts.Firing | len }}' }
                links: [{ href: 'http://l/{{ .GroupLabels.alertname }}', text: 'runbook' }, { href: '', text: 'dropped' }]
                images: [{ src: 'http://img/{{ .Status }}.png', alt: 'graph', href: 'http://g' }]
            """,
            new WebhookOptions { Url = "" },
            new SlackOptions
            {
                ApiUrl = "",
                SendResolved = true,
                Channel = "#ops-{{ .GroupLabels.alertname }}",
                Username = """bot {{ template "__alertmanager" . }}""",
                IconEmoji = ":fire:",
                LinkNames = true,
                Title = """{{ template "custom.title" . }} {{ .CommonAnnotations.long }}""",
                TitleLink = "http://runbooks/{{ .GroupLabels.alertname | urlquery }}",
                Pretext = "pre {{ .Status }}",
                Text = """{{ template "custom.text" . }}""",
                Footer = "foot",
                CallbackId = "cb-{{ .CommonLabels.job }}",
                ImageUrl = "http://img/x.png",
                ThumbUrl = "http://img/t.png",
                MrkdwnIn = ["title", "text"],
                Fields = [new SlackField("Severity", "{{ .CommonLabels.severity | toUpper }}", true), new SlackField("Count", "{{ len .Alerts }}")],
                Actions =
                [
                    new SlackAction("button", "Runbook", Url: "http://rb/{{ .GroupLabels.alertname }}", Style: "primary"),
                    new SlackAction("button", "Ack", Name: "ack", Value: "{{ .CommonLabels.job }}", Confirm: new SlackConfirmationField("Sure?", "Ack it", "Yes", "No")),
                ],
            },
            new PagerDutyOptions
            {
                RoutingKey = "rk-{{ .CommonLabels.job }}",
                Description = "{{ .CommonAnnotations.long }}",
                Severity = """{{ if eq .Status "firing" }}critical{{ else }}info{{ end }}""",
                Class = "disk",
                Component = "{{ .CommonLabels.job }}",
                Group = "storage",
                Source = "src {{ .ExternalURL }}",
                Details = new Dictionary<string, string> { ["note"] = "{{ .CommonAnnotations.summary }}", ["firing"] = "overridden {{ .Alerts.Firing | len }}" },
                Links = [new PagerDutyLink("http://l/{{ .GroupLabels.alertname }}", "runbook"), new PagerDutyLink("", "dropped")],
                Images = [new PagerDutyImage("http://img/{{ .Status }}.png", "graph", "http://g")],
            },
            [
                NewAlert("custom", "Custom", "x:1", LabelSet.FromStrings("summary", "s1 <x>", "long", longText), 5),
                NewAlert("custom", "Custom", "y:1", LabelSet.FromStrings("summary", "s1 <x>", "long", longText), 6),
            ],
            [0]);
    }

    [Fact]
    public async Task Payloads_are_Alertmanagers_byte_for_byte()
    {
        var cases = Cases().ToArray();
        using var sink = RecordingHttpSink.Start();
        using var templates = new TempDirectory("sm-am-templates-");
        await File.WriteAllTextAsync(templates.Combine("custom.tmpl"), CustomTemplates);
        var sinkUrl = sink.BaseUri.ToString().TrimEnd('/');
        var config = $"""
            templates: ['{templates.Combine("*.tmpl")}']
            route:
              receiver: 'null'
              group_by: ['case', 'alertname']
              group_wait: 5s
              group_interval: {GroupIntervalSeconds}s
              repeat_interval: 1h
              routes:
            {string.Concat(cases.Select(c => $"  - {{ receiver: 'team.{c.Name}', matchers: ['case=\"{c.Name}\"'] }}\n"))}
            receivers:
            - name: 'null'
            {string.Concat(cases.Select(c => $"- name: 'team.{c.Name}'\n{c.ReceiverYaml.Replace("{SINK}", sinkUrl, StringComparison.Ordinal)}\n"))}
            """;
        using var alertmanager = await AlertmanagerFixture.StartAsync(config, [$"--web.external-url={ExternalUrl}", "--web.route-prefix=/"]);
        using var http = new HttpClient { BaseAddress = alertmanager.BaseUri };
        var ours = NotificationTemplate.FromTexts([("custom.tmpl", CustomTemplates)]);

        // Phase 1: everything fires.
        await PostAsync(http, cases.SelectMany(c => c.Alerts));
        var firstPhase = await WaitForAsync(sink, cases, 0);
        var compared = CompareAll(cases, firstPhase, c => c.Alerts, ours);

        // Phase 2: some alerts resolved (all of "many"), posted mid-way between two flushes so
        // that no flush sees half the batch.
        var interval = TimeSpan.FromSeconds(GroupIntervalSeconds);
        var sinceFlush = (DateTimeOffset.UtcNow - firstPhase[0].ArrivedAt).Ticks % interval.Ticks;
        await Task.Delay(TimeSpan.FromTicks(((interval.Ticks * 3 / 2) - sinceFlush) % interval.Ticks));
        var resolvedAt = DateTimeOffset.UtcNow.AddSeconds(-1);
        var afterResolve = cases.ToDictionary(
            c => c.Name,
            c => c.Alerts.Select((a, i) => c.ResolveIndexes.Contains(i) ? a with { EndsAt = resolvedAt.AddMilliseconds(i * 7) } : a).ToArray());
        await PostAsync(http, afterResolve.Values.SelectMany(a => a).Where(a => a.EndsAt is not null));
        var secondPhase = await WaitForAsync(sink, cases, firstPhase.Count);
        compared += CompareAll(cases, secondPhase.Skip(firstPhase.Count).ToArray(), c => afterResolve[c.Name], ours);

        // basic: webhook, slack, pagerduty then webhook, pagerduty (Slack without send_resolved stays quiet); many: 2 + 2; custom: 3 + 3.
        Assert.Equal(15, compared);
    }

    private static async Task PostAsync(HttpClient http, IEnumerable<Alert> alerts)
    {
        var body = new JsonArray(alerts.Select(a => (JsonNode)new JsonObject
        {
            ["labels"] = Map(a.Labels),
            ["annotations"] = Map(a.Annotations),
            ["startsAt"] = GoJsonWriter.FormatTime(a.StartsAt),
            ["endsAt"] = a.EndsAt is { } e ? GoJsonWriter.FormatTime(e) : null,
            ["generatorURL"] = a.GeneratorUrl,
        }).ToArray());
        using var response = await http.PostAsync("api/v2/alerts", new StringContent(body.ToJsonString(), System.Text.Encoding.UTF8, "application/json"));
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());

        static JsonObject Map(LabelSet set) => new(set.Select(l => KeyValuePair.Create(l.Name, (JsonNode?)l.Value)));
    }

    // Every case's integrations answer once per phase (Slack without send_resolved not for resolutions).
    private static async Task<IReadOnlyList<SinkRequest>> WaitForAsync(RecordingHttpSink sink, PayloadCase[] cases, int already)
    {
        var expected = already + cases.Sum(c => (c.Webhook is null ? 0 : 1) + (c.PagerDuty is null ? 0 : 1) + (c.Slack is { } s && (already == 0 || s.SendResolved) ? 1 : 0));
        var all = await sink.WaitForAsync(_ => true, expected, TimeSpan.FromSeconds(30));

        // Nothing more arrives for the next group interval.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.True(expected == sink.Requests.Count, $"expected {expected} requests, got: {string.Join("\n", sink.Requests.Select(r => r.Path + " " + r.BodyText))}");
        return sink.Requests;
    }

    private static int CompareAll(PayloadCase[] cases, IReadOnlyList<SinkRequest> requests, Func<PayloadCase, Alert[]> alertsOf, NotificationTemplate template)
    {
        var compared = 0;
        foreach (var c in cases)
        {
            var mine = requests.Where(r => r.Path.StartsWith($"/{c.Name}/", StringComparison.Ordinal)).ToArray();
            var webhook = Assert.Single(mine, r => r.Path.EndsWith("/webhook", StringComparison.Ordinal));
            var groupKey = JsonDocument.Parse(webhook.Body).RootElement.GetProperty("groupKey").GetString()!;
            var now = DateTimeOffset.UtcNow;
            var alerts = GroupFlush.Prepare(alertsOf(c), now);
            var groupLabels = LabelSet.FromStrings("alertname", c.Alerts[0].Labels.Get("alertname"), "case", c.Name);
            var context = new NotificationContext(groupKey, $"team.{c.Name}", groupLabels, ExternalUrl, now);
            foreach (var request in mine)
            {
                var integration = request.Path[(request.Path.LastIndexOf('/') + 1)..];
                var expected = integration switch
                {
                    "webhook" => WebhookNotifier.BuildPayload(c.Webhook!, context, GroupFlush.ToSend(alerts, c.Webhook!.SendResolved)),
                    "slack" => SlackNotifier.BuildPayload(c.Slack!, template, context, GroupFlush.ToSend(alerts, c.Slack!.SendResolved)),
                    "pagerduty" => PagerDutyNotifier.BuildPayload(c.PagerDuty!, template, context, GroupFlush.ToSend(alerts, c.PagerDuty!.SendResolved)),
                    _ => throw new InvalidOperationException(request.Path),
                };
                Assert.True(expected == request.BodyText, $"{request.Path}:\nAlertmanager: {request.BodyText}\nours:         {expected}");
                Assert.Equal(NotificationHttp.UserAgent, request.Header("User-Agent"));
                Assert.Equal(NotificationHttp.JsonContentType, request.Header("Content-Type"));
                compared++;
            }
        }

        return compared;
    }
}
