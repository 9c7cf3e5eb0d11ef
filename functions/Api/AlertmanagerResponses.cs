using System.Text;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// How Alertmanager's go-swagger server answers: a JSON body followed by a newline (Go's
/// <c>json.Encoder</c>), handler errors as a bare JSON string (<c>"silence not found"</c>), and the
/// framework's own request errors as <c>{"code":…,"message":…}</c>.
/// </summary>
internal static class AlertmanagerResponses
{
    /// <summary>go-openapi's validation codes: a required value missing, a value of the wrong format, too few items.</summary>
    public const int CodeRequired = 602;
    public const int CodeInvalidType = 601;
    public const int CodeTooFewItems = 612;

    public static Task WriteJsonAsync(HttpContext context, int status, string json) => WriteRawAsync(context, status, json + "\n");

    private static Task WriteRawAsync(HttpContext context, int status, string json)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = ApiHandler.JsonContentType;
        return context.Response.WriteAsync(json, Encoding.UTF8, context.RequestAborted);
    }

    /// <summary>A handler's error payload: the message as a JSON string.</summary>
    public static Task WriteMessageAsync(HttpContext context, int status, string message) =>
        WriteJsonAsync(context, status, GoJson.Quote(message, escapeHtml: true));

    /// <summary>go-openapi's <c>errors.ServeError</c> body (<c>json.Marshal</c>'s, so without the newline).</summary>
    public static Task WriteSwaggerErrorAsync(HttpContext context, int status, int code, string message) =>
        WriteRawAsync(context, status, $"{{\"code\":{code},\"message\":{GoJson.Quote(message, escapeHtml: true)}}}");

    /// <summary>A status without a body (go-swagger's responders without payload).</summary>
    public static Task WriteEmptyAsync(HttpContext context, int status)
    {
        context.Response.StatusCode = status;
        context.Response.ContentLength = 0;
        return Task.CompletedTask;
    }

    /// <summary>
    /// The router's state for the silence and escalation endpoints: null while the host's router is
    /// off (the stores exist empty then, but nothing would act on a silence or an ack, so they are
    /// not served), or when the store is not registered at all.
    /// </summary>
    public static T? ServedState<T>(HttpContext context)
        where T : class =>
        context.RequestServices.GetService<Hosting.AlertRouterHost>() is { Router: null } ? null : context.RequestServices.GetService<T>();

    /// <summary>The answer to an unknown path, for endpoints whose service is not registered (the router is off).</summary>
    public static Task WriteNotFoundPageAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
    }

    /// <summary>
    /// strfmt.DateTime as go-swagger prints it: RFC 3339 with milliseconds (truncated), <c>Z</c> for
    /// UTC, else the offset the time was given with (upstream keeps it until a restart).
    /// </summary>
    public static string FormatDateTime(DateTimeOffset time)
    {
        var text = time.ToString("yyyy'-'MM'-'dd'T'HH':'mm':'ss'.'fff", System.Globalization.CultureInfo.InvariantCulture);
        if (time.Offset == TimeSpan.Zero)
        {
            return text + "Z";
        }

        var offset = time.Offset;
        var sign = offset < TimeSpan.Zero ? '-' : '+';
        offset = offset.Duration();
        return FormattableString.Invariant($"{text}{sign}{offset.Hours:00}:{offset.Minutes:00}");
    }
}
