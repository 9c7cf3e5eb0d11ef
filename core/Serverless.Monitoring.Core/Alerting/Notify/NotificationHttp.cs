using System.Net.Http.Headers;
using System.Text;

namespace Serverless.Monitoring.Core.Alerting.Notify;

/// <summary>
/// How integrations talk HTTP, as upstream's <c>notify.PostJSON</c> and <c>Retrier</c>: a POST with
/// <c>User-Agent: Alertmanager/0.25.0</c> and <c>Content-Type: application/json</c>; any 2xx is
/// success, 5xx (and the integration's extra codes, e.g. 429 for PagerDuty) are retried, other
/// statuses fail for good with <c>unexpected status code N: details</c>; a transport error is retried.
/// </summary>
public static class NotificationHttp
{
    /// <summary>The User-Agent Alertmanager 0.25 sends.</summary>
    public const string UserAgent = "Alertmanager/0.25.0";

    public const string JsonContentType = "application/json";

    /// <summary>Posts <paramref name="body"/> and classifies the answer with <paramref name="check"/>.</summary>
    public static async Task<NotifyResult> PostJsonAsync(
        HttpClient client, string url, string body, Func<int, string, NotifyResult> check, Func<string, string>? wrapTransportError, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, url);
        request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
        request.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(JsonContentType);
        try
        {
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return check((int)response.StatusCode, text);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            var message = $"Post \"<redacted>\": {ex.Message}";
            return new NotifyResult(true, wrapTransportError is null ? message : wrapTransportError(message));
        }
    }

    /// <summary>
    /// <c>Retrier.Check</c>: success on 2xx; else retry on 5xx or one of <paramref name="retryCodes"/>,
    /// with <c>unexpected status code N</c> and, when not empty, <c>: details</c>.
    /// </summary>
    public static NotifyResult Check(int status, string details, params ReadOnlySpan<int> retryCodes)
    {
        if (status / 100 == 2)
        {
            return NotifyResult.Success;
        }

        var retry = status / 100 == 5 || retryCodes.Contains(status);
        var message = $"unexpected status code {status}";
        if (details.Length > 0)
        {
            message += ": " + details;
        }

        return new NotifyResult(retry, message);
    }

    /// <summary><c>notify.TruncateInRunes</c>: at most <paramref name="n"/> runes, the last one <c>…</c> when cut (no marker when n ≤ 3).</summary>
    public static (string Text, bool Truncated) TruncateInRunes(string s, int n)
    {
        var runes = s.EnumerateRunes().ToArray();
        if (runes.Length <= n)
        {
            return (s, false);
        }

        var sb = new StringBuilder();
        var keep = n <= 3 ? n : n - 1;
        foreach (var r in runes.AsSpan(0, keep))
        {
            sb.Append(r.ToString());
        }

        if (n > 3)
        {
            sb.Append('…');
        }

        return (sb.ToString(), true);
    }
}
