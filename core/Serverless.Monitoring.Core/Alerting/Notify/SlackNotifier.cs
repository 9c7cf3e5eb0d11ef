namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// Alertmanager's Slack integration: one message with one attachment, fields in upstream's JSON
/// order (<c>channel</c>, <c>username</c>, <c>icon_emoji</c>, <c>icon_url</c>, <c>link_names</c>,
/// <c>attachments</c>: <c>title</c>, <c>title_link</c>, <c>pretext</c>, <c>text</c>,
/// <c>fallback</c>, <c>callback_id</c>, <c>fields</c>, <c>actions</c>, <c>image_url</c>,
/// <c>thumb_url</c>, <c>footer</c>, <c>color</c>, <c>mrkdwn_in</c>), empty optional ones left out.
/// Only 5xx is retried; errors name the channel.
/// </summary>
public sealed class SlackNotifier(SlackOptions options, NotificationTemplate template, HttpClient client) : INotifier
{
    private const int MaxTitleRunes = 1024;

    public string Integration => "slack";

    public bool SendResolved => options.SendResolved;

    /// <summary>The message posted for <paramref name="alerts"/>.</summary>
    /// <exception cref="NotificationException">A template fails.</exception>
    public static string BuildPayload(SlackOptions options, NotificationTemplate template, NotificationContext context, IReadOnlyList<Alert> alerts) =>
        Build(options, template, context, alerts).Body;

    public async Task<NotifyResult> NotifyAsync(NotificationContext context, IReadOnlyList<Alert> alerts, CancellationToken cancellationToken)
    {
        string body, channel;
        try
        {
            (body, channel) = Build(options, template, context, alerts);
        }
        catch (NotificationException ex)
        {
            return new NotifyResult(false, ex.Message);
        }

        var result = await NotificationHttp.PostJsonAsync(client, options.ApiUrl, body, (status, text) => NotificationHttp.Check(status, text), null, cancellationToken);
        return result.Error is null ? result : result with { Error = $"channel {Templates.GoStrconv.Quote(channel)}: {result.Error}" };
    }

    private static (string Body, string Channel) Build(SlackOptions options, NotificationTemplate template, NotificationContext context, IReadOnlyList<Alert> alerts)
    {
        var data = TemplateData.Create(context.ReceiverName, context.GroupLabels, alerts, context.ExternalUrl, context.Now);
        var t = new TemplateRenderer(template, data, null);
        var json = new GoJsonWriter().BeginObject();

        // Rendered in upstream's order, so the first failing field is the one reported.
        var title = NotificationHttp.TruncateInRunes(t.Render(options.Title), MaxTitleRunes).Text;
        var titleLink = t.Render(options.TitleLink);
        var pretext = t.Render(options.Pretext);
        var text = t.Render(options.Text);
        var fallback = t.Render(options.Fallback);
        var callbackId = t.Render(options.CallbackId);
        var imageUrl = t.Render(options.ImageUrl);
        var thumbUrl = t.Render(options.ThumbUrl);
        var footer = t.Render(options.Footer);
        var color = t.Render(options.Color);
        var fields = options.Fields.Select(f => (Title: t.Render(f.Title), Value: t.Render(f.Value), Short: f.IsShort ?? options.ShortFields)).ToArray();
        var actions = options.Actions.Select(a => new SlackAction(
            t.Render(a.Type), t.Render(a.Text), t.Render(a.Url), t.Render(a.Style), t.Render(a.Name), t.Render(a.Value),
            a.Confirm is { } c ? new SlackConfirmationField(t.Render(c.Text), t.Render(c.Title), t.Render(c.OkText), t.Render(c.DismissText)) : null)).ToArray();
        var channel = t.Render(options.Channel);
        var username = t.Render(options.Username);
        var iconEmoji = t.Render(options.IconEmoji);
        var iconUrl = t.Render(options.IconUrl);

        OmitEmpty(json, "channel", channel);
        OmitEmpty(json, "username", username);
        OmitEmpty(json, "icon_emoji", iconEmoji);
        OmitEmpty(json, "icon_url", iconUrl);
        if (options.LinkNames)
        {
            json.Name("link_names").Bool(true);
        }

        json.Name("attachments").BeginArray().BeginObject();
        OmitEmpty(json, "title", title);
        OmitEmpty(json, "title_link", titleLink);
        OmitEmpty(json, "pretext", pretext);
        json.Name("text").String(text);
        json.Name("fallback").String(fallback);
        json.Name("callback_id").String(callbackId);
        if (fields.Length > 0)
        {
            json.Name("fields").BeginArray();
            foreach (var f in fields)
            {
                json.BeginObject();
                OmitEmpty(json, "title", f.Title);
                OmitEmpty(json, "value", f.Value);
                json.Name("short").Bool(f.Short);
                json.EndObject();
            }

            json.EndArray();
        }

        if (actions.Length > 0)
        {
            json.Name("actions").BeginArray();
            foreach (var a in actions)
            {
                json.BeginObject();
                OmitEmpty(json, "type", a.Type);
                OmitEmpty(json, "text", a.Text);
                OmitEmpty(json, "url", a.Url);
                OmitEmpty(json, "style", a.Style);
                OmitEmpty(json, "name", a.Name);
                OmitEmpty(json, "value", a.Value);
                if (a.Confirm is { } c)
                {
                    json.Name("confirm").BeginObject();
                    OmitEmpty(json, "text", c.Text);
                    OmitEmpty(json, "title", c.Title);
                    OmitEmpty(json, "ok_text", c.OkText);
                    OmitEmpty(json, "dismiss_text", c.DismissText);
                    json.EndObject();
                }

                json.EndObject();
            }

            json.EndArray();
        }

        OmitEmpty(json, "image_url", imageUrl);
        OmitEmpty(json, "thumb_url", thumbUrl);
        json.Name("footer").String(footer);
        OmitEmpty(json, "color", color);
        json.Name("mrkdwn_in").BeginArray();
        foreach (var m in options.MrkdwnIn.Count > 0 ? options.MrkdwnIn : ["fallback", "pretext", "text"])
        {
            json.String(m);
        }

        json.EndArray();
        json.EndObject().EndArray();
        return (json.EndObject().ToEncoderOutput(), channel);
    }

    private static void OmitEmpty(GoJsonWriter json, string name, string value)
    {
        if (value.Length > 0)
        {
            json.Name(name).String(value);
        }
    }
}
