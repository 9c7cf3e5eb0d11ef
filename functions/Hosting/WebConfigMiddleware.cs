using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.RateLimiting;
using Microsoft.Net.Http.Headers;
using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// What the web configuration asks of every request, in upstream's order: the rate limit (429),
/// the configured response headers, then basic authentication — every path needs a valid user
/// when <c>basic_auth_users</c> is set (401 with <c>WWW-Authenticate: Basic</c> otherwise).
/// Nothing here logs a credential.
/// </summary>
internal sealed class WebConfigMiddleware
{
    // One limiter per loaded configuration, made on first use.
    private static readonly ConditionalWeakTable<WebConfig, RateLimiter> Limiters = [];

    private readonly RequestDelegate _next;
    private readonly WebConfigSource _source;
    private readonly BasicAuthVerifier _verifier;

    public WebConfigMiddleware(RequestDelegate next, WebConfigSource source, BasicAuthVerifier verifier)
    {
        _next = next;
        _source = source;
        _verifier = verifier;
    }

    public async Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var config = _source.Current;
        if (config.RateLimitInterval > TimeSpan.Zero)
        {
            var limiter = Limiters.GetValue(config, CreateLimiter);
            using var lease = limiter.AttemptAcquire();
            if (!lease.IsAcquired)
            {
                await WriteErrorAsync(context, StatusCodes.Status429TooManyRequests, "Too Many Requests");
                return;
            }
        }

        foreach (var (name, value) in config.Headers)
        {
            context.Response.Headers[name] = value;
        }

        if (config.BasicAuthUsers.Count == 0
            || (TryReadBasicAuth(context.Request, out var user, out var password)
                && await _verifier.VerifyAsync(config.BasicAuthUsers, user, password, context.RequestAborted)))
        {
            await _next(context);
            return;
        }

        context.Response.Headers.WWWAuthenticate = "Basic";
        await WriteErrorAsync(context, StatusCodes.Status401Unauthorized, "Unauthorized");
    }

    /// <summary>Go's <c>Request.BasicAuth</c>: <c>Basic</c> (any case), base64, user and password split at the first colon.</summary>
    internal static bool TryReadBasicAuth(HttpRequest request, out string user, out string password)
    {
        user = password = string.Empty;
        var header = request.Headers.Authorization.ToString();
        const string Scheme = "Basic ";
        if (!header.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        byte[] decoded;
        try
        {
            decoded = Convert.FromBase64String(header[Scheme.Length..]);
        }
        catch (FormatException)
        {
            return false;
        }

        var text = Encoding.UTF8.GetString(decoded);
        var colon = text.IndexOf(':', StringComparison.Ordinal);
        if (colon < 0)
        {
            return false;
        }

        user = text[..colon];
        password = text[(colon + 1)..];
        return true;
    }

    private static TokenBucketRateLimiter CreateLimiter(WebConfig config) =>
        new(new TokenBucketRateLimiterOptions
        {
            TokenLimit = config.RateLimitBurst,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = config.RateLimitInterval,
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>As Go's <c>http.Error</c>: the status text and a newline, as plain text.</summary>
    private static Task WriteErrorAsync(HttpContext context, int status, string text)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers[HeaderNames.XContentTypeOptions] = "nosniff";
        return context.Response.WriteAsync(text + "\n", context.RequestAborted);
    }
}
