using System.Diagnostics;
using Microsoft.AspNetCore.Routing;
using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Request metrics with Prometheus's own names, so its dashboards work:
/// <c>prometheus_http_requests_total{code,handler}</c> and
/// <c>prometheus_http_request_duration_seconds{handler}</c>. The handler is the route pattern
/// (<c>/api/v1/label/{name}/values</c>), never the raw path, so cardinality stays bounded;
/// requests that match no endpoint count under <see cref="UnmatchedHandler"/>.
/// </summary>
internal sealed class HttpMetrics
{
    public const string UnmatchedHandler = "unmatched";

    /// <summary>Prometheus's buckets for this histogram (web/web.go).</summary>
    private static readonly double[] DurationBuckets = [0.1, 0.2, 0.4, 1, 3, 8, 20, 60, 120];

    private static readonly string[] CodeLabels = CreateCodeLabels();

    private readonly Counter _requests;
    private readonly Histogram _duration;

    public HttpMetrics(MetricRegistry registry)
    {
        ArgumentNullException.ThrowIfNull(registry);
        _requests = registry.CreateCounter("prometheus_http_requests_total", "Counter of HTTP requests.", "code", "handler");
        _duration = registry.CreateHistogram(
            "prometheus_http_request_duration_seconds", "Histogram of latencies for HTTP requests.", DurationBuckets, "handler");
    }

    public void Record(string handler, int statusCode, double seconds)
    {
        var code = (uint)statusCode < (uint)CodeLabels.Length ? CodeLabels[statusCode] : statusCode.ToString(System.Globalization.CultureInfo.InvariantCulture);
        _requests.WithLabels(code, handler).Inc();
        _duration.WithLabels(handler).Observe(seconds);
    }

    public static string HandlerOf(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.GetEndpoint() switch
        {
            RouteEndpoint route => route.RoutePattern.RawText ?? route.DisplayName ?? UnmatchedHandler,
            { DisplayName: { } name } => name,
            _ => UnmatchedHandler,
        };
    }

    private static string[] CreateCodeLabels()
    {
        var codes = new string[600];
        for (var i = 0; i < codes.Length; i++)
        {
            codes[i] = i.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        return codes;
    }
}

/// <summary>Times every request and records it in <see cref="HttpMetrics"/>; the outermost middleware.</summary>
internal sealed class HttpMetricsMiddleware(RequestDelegate next, HttpMetrics metrics)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var start = Stopwatch.GetTimestamp();
        var failed = true;
        try
        {
            await next(context);
            failed = false;
        }
        finally
        {
            // An exception that escapes before the response started becomes a 500 in the server.
            var status = failed && !context.Response.HasStarted ? StatusCodes.Status500InternalServerError : context.Response.StatusCode;
            metrics.Record(HttpMetrics.HandlerOf(context), status, Stopwatch.GetElapsedTime(start).TotalSeconds);
        }
    }
}
