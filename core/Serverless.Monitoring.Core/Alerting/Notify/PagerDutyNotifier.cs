using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// Alertmanager's PagerDuty integration, Events API v2: <c>trigger</c> while any alert fires,
/// <c>resolve</c> when all are resolved; <c>dedup_key</c> is the hex SHA-256 of the group key, so
/// PagerDuty folds a group's notifications into one incident. 429 is retried besides 5xx; a 400's
/// error list is put in the message. An event over 512,000 bytes loses its custom details.
/// </summary>
public sealed class PagerDutyNotifier(PagerDutyOptions options, NotificationTemplate template, HttpClient client) : INotifier
{
    private const int MaxSummaryRunes = 1024;
    private const int MaxEventBytes = 512000;

    public string Integration => "pagerduty";

    public bool SendResolved => options.SendResolved;

    /// <summary>Upstream's <c>Key.Hash</c>: lower-case hex SHA-256 of the group key.</summary>
    public static string DedupKey(string groupKey) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(groupKey)));

    /// <summary>The event posted for <paramref name="alerts"/>.</summary>
    /// <exception cref="NotificationException">A template fails, or the routing key renders empty.</exception>
    public static string BuildPayload(PagerDutyOptions options, NotificationTemplate template, NotificationContext context, IReadOnlyList<Alert> alerts)
    {
        var data = TemplateData.Create(context.ReceiverName, context.GroupLabels, alerts, context.ExternalUrl, context.Now);
        var eventAction = data.Status == "resolved" ? "resolve" : "trigger";
        var details = new SortedDictionary<string, string>(Model.Utf8Ordinal.Instance);
        foreach (var (k, v) in options.EffectiveDetails)
        {
            try
            {
                details[k] = template.ExecuteText(v, data);
            }
            catch (Exception ex) when (ex is Templates.TemplateParseException or Templates.TemplateExecutionException)
            {
                throw new NotificationException($"{Templates.GoStrconv.Quote(k)}: failed to template {Templates.GoStrconv.Quote(v)}: {ex.Message}", ex);
            }
        }

        var text = new TemplateRenderer(template, data, "failed to template PagerDuty v2 message");
        var summary = NotificationHttp.TruncateInRunes(text.Render(options.Description), MaxSummaryRunes).Text;
        var routingKey = text.Render(options.RoutingKey);
        var client = text.Render(options.Client);
        var clientUrl = text.Render(options.ClientUrl);
        var source = text.Render(options.Source.Length > 0 ? options.Source : options.Client);
        var severity = text.Render(options.Severity.Length > 0 ? options.Severity : "error");
        var cls = text.Render(options.Class);
        var component = text.Render(options.Component);
        var group = text.Render(options.Group);
        var images = options.Images.Select(i => new PagerDutyImage(text.Render(i.Src), text.Render(i.Alt), text.Render(i.Href))).Where(i => i.Src.Length > 0).ToArray();
        var links = options.Links.Select(l => new PagerDutyLink(text.Render(l.Href), text.Render(l.Text))).Where(l => l.Href.Length > 0).ToArray();
        if (routingKey.Length == 0)
        {
            throw new NotificationException("routing key cannot be empty");
        }

        string Encode(IEnumerable<KeyValuePair<string, string>> customDetails)
        {
            var json = new GoJsonWriter().BeginObject();
            json.Name("routing_key").String(routingKey);
            json.Name("dedup_key").String(DedupKey(context.GroupKey));
            json.Name("event_action").String(eventAction);
            json.Name("payload").BeginObject();
            json.Name("summary").String(summary);
            json.Name("source").String(source);
            json.Name("severity").String(severity);
            OmitEmpty(json, "class", cls);
            OmitEmpty(json, "component", component);
            OmitEmpty(json, "group", group);
            if (customDetails.Any())
            {
                json.Name("custom_details").StringMap(customDetails);
            }

            json.EndObject();
            OmitEmpty(json, "client", client);
            OmitEmpty(json, "client_url", clientUrl);
            if (images.Length > 0)
            {
                json.Name("images").BeginArray();
                foreach (var i in images)
                {
                    json.BeginObject().Name("src").String(i.Src).Name("alt").String(i.Alt).Name("href").String(i.Href).EndObject();
                }

                json.EndArray();
            }

            if (links.Length > 0)
            {
                json.Name("links").BeginArray();
                foreach (var l in links)
                {
                    json.BeginObject().Name("href").String(l.Href).Name("text").String(l.Text).EndObject();
                }

                json.EndArray();
            }

            return json.EndObject().ToEncoderOutput();
        }

        var body = Encode(details);
        if (Encoding.UTF8.GetByteCount(body) > MaxEventBytes)
        {
            body = Encode([new("error", "Custom details have been removed because the original event exceeds the maximum size of 512KB")]);
        }

        return body;
    }

    public async Task<NotifyResult> NotifyAsync(NotificationContext context, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        string body;
        try
        {
            body = BuildPayload(options, template, context, alerts);
        }
        catch (NotificationException ex)
        {
            return new NotifyResult(false, ex.Message);
        }

        return await NotificationHttp.PostJsonAsync(
            client, options.Url, body, (status, text) => NotificationHttp.Check(status, ErrorDetails(status, text), 429),
            e => "failed to post message to PagerDuty: " + e, cancellationToken);
    }

    // Upstream's errDetails: only a 400's JSON "message: error1,error2".
    private static string ErrorDetails(int status, string body)
    {
        if (status != 400)
        {
            return "";
        }

        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var message = root.TryGetProperty("message", out var m) && m.ValueKind == JsonValueKind.String ? m.GetString() : "";
            var errors = root.TryGetProperty("errors", out var e) && e.ValueKind == JsonValueKind.Array
                ? e.EnumerateArray().Select(x => x.GetString() ?? "") : [];
            return $"{message}: {string.Join(",", errors)}";
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return "";
        }
    }

    private static void OmitEmpty(GoJsonWriter json, string name, string value)
    {
        if (value.Length > 0)
        {
            json.Name(name).String(value);
        }
    }
}
