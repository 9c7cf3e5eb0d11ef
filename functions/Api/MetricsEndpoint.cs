using Serverless.Monitoring.Core.Instrumentation;

namespace Serverless.Monitoring.Functions.Api;

/// <summary><c>GET /metrics</c>: our own metrics in the Prometheus text format 0.0.4.</summary>
internal static class MetricsEndpoint
{
    public static IEndpointRouteBuilder MapMetricsEndpoint(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGet("/metrics", static async (HttpContext context, MetricRegistry registry) =>
        {
            context.Response.ContentType = TextExpositionWriter.ContentType;
            context.Response.Headers.CacheControl = "no-store";
            registry.WriteTo(context.Response.BodyWriter);
            await context.Response.BodyWriter.FlushAsync(context.RequestAborted);
        });
        return endpoints;
    }
}
