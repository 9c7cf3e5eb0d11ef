using Serverless.Monitoring.Core.Templates;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>A notification could not be built (a template failed, a required field rendered empty); not retried.</summary>
public sealed class NotificationException : Exception
{
    public NotificationException()
    {
    }

    public NotificationException(string message)
        : base(message)
    {
    }

    public NotificationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Upstream's <c>notify.TmplText</c>: renders the fields of one notification against its data;
/// the first failure is reported as <c>PREFIX: message</c> (upstream keeps rendering the others
/// as empty and returns the first error, which comes to the same).
/// </summary>
internal sealed class TemplateRenderer(NotificationTemplate template, TemplateData data, string? errorPrefix)
{
    public string Render(string text)
    {
        try
        {
            return template.ExecuteText(text, data);
        }
        catch (Exception ex) when (ex is TemplateParseException or TemplateExecutionException)
        {
            throw new NotificationException(errorPrefix is null ? ex.Message : $"{errorPrefix}: {ex.Message}", ex);
        }
    }
}
