namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// Alertmanager 0.26's Microsoft Teams integration: a legacy MessageCard
/// (<c>@context</c> <c>http://schema.org/extensions</c>, <c>type</c> <c>MessageCard</c>,
/// <c>title</c>, <c>text</c>, <c>themeColor</c> 8C1A1A while firing, 2DC72D when resolved).
/// Only 5xx is retried.
/// </summary>
public sealed class MSTeamsNotifier(MSTeamsOptions options, NotificationTemplate template, HttpClient client) : INotifier
{
    private const string ColorFiring = "8C1A1A";
    private const string ColorResolved = "2DC72D";

    public string Integration => "msteams";

    public bool SendResolved => options.SendResolved;

    /// <exception cref="NotificationException">A template fails.</exception>
    public static string BuildPayload(MSTeamsOptions options, NotificationTemplate template, NotificationContext context, IReadOnlyList<Alert> alerts)
    {
        var data = TemplateData.Create(context.ReceiverName, context.GroupLabels, alerts, context.ExternalUrl, context.Now);
        var t = new TemplateRenderer(template, data, null);
        var title = t.Render(options.Title);
        var text = t.Render(options.Text);
        return new GoJsonWriter().BeginObject()
            .Name("@context").String("http://schema.org/extensions")
            .Name("type").String("MessageCard")
            .Name("title").String(title)
            .Name("text").String(text)
            .Name("themeColor").String(data.Status == "firing" ? ColorFiring : ColorResolved)
            .EndObject().ToEncoderOutput();
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

        return await NotificationHttp.PostJsonAsync(client, options.WebhookUrl, body, (status, text) => NotificationHttp.Check(status, text), null, cancellationToken);
    }
}
