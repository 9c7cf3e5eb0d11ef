namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// Alertmanager's webhook integration: posts the version-4 message — the template data
/// (<c>receiver</c>, <c>status</c>, <c>alerts</c>, <c>groupLabels</c>, <c>commonLabels</c>,
/// <c>commonAnnotations</c>, <c>externalURL</c>) then <c>version</c>, <c>groupKey</c> and
/// <c>truncatedAlerts</c> — as Go's JSON encoder writes it. Errors name the URL and the response body.
/// </summary>
public sealed class WebhookNotifier(WebhookOptions options, HttpClient client) : INotifier
{
    public string Integration => "webhook";

    public bool SendResolved => options.SendResolved;

    public WebhookOptions Options => options;

    /// <summary>The body posted for <paramref name="alerts"/> (with the encoder's trailing newline).</summary>
    public static string BuildPayload(WebhookOptions options, NotificationContext context, IReadOnlyList<Alert> alerts)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(alerts);
        ulong truncated = 0;
        if (options.MaxAlerts != 0 && (ulong)alerts.Count > options.MaxAlerts)
        {
            truncated = (ulong)alerts.Count - options.MaxAlerts;
            alerts = alerts.Take((int)options.MaxAlerts).ToArray();
        }

        var data = TemplateData.Create(context.ReceiverName, context.GroupLabels, alerts, context.ExternalUrl, context.Now);
        var json = new GoJsonWriter().BeginObject();
        WriteData(json, data);
        json.Name("version").String("4");
        json.Name("groupKey").String(context.GroupKey);
        json.Name("truncatedAlerts").Number(truncated);
        return json.EndObject().ToEncoderOutput();
    }

    public Task<NotifyResult> NotifyAsync(NotificationContext context, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        var body = BuildPayload(options, context, alerts);

        // Upstream's errDetails: the URL, then the response body.
        return NotificationHttp.PostJsonAsync(
            client, options.Url, body, (status, text) => NotificationHttp.Check(status, $"{options.Url}: {text}"), null, cancellationToken);
    }

    /// <summary>The fields of <c>template.Data</c>, as its JSON tags name them.</summary>
    internal static void WriteData(GoJsonWriter json, TemplateData data)
    {
        json.Name("receiver").String(data.Receiver);
        json.Name("status").String(data.Status);
        json.Name("alerts").BeginArray();
        foreach (var alert in data.Alerts)
        {
            json.BeginObject();
            json.Name("status").String(alert.Status);
            json.Name("labels").StringMap(alert.Labels.Pairs);
            json.Name("annotations").StringMap(alert.Annotations.Pairs);
            json.Name("startsAt").Time(alert.StartsAt);
            json.Name("endsAt").Time(alert.EndsAt);
            json.Name("generatorURL").String(alert.GeneratorUrl);
            json.Name("fingerprint").String(alert.Fingerprint);
            json.EndObject();
        }

        json.EndArray();
        json.Name("groupLabels").StringMap(data.GroupLabels.Pairs);
        json.Name("commonLabels").StringMap(data.CommonLabels.Pairs);
        json.Name("commonAnnotations").StringMap(data.CommonAnnotations.Pairs);
        json.Name("externalURL").String(data.ExternalUrl);
    }
}
