using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// The embedded server's HTTP endpoints as one request pipeline (routing, HTTP metrics, every
/// endpoint of <see cref="MonitoringServices.MapMonitoringEndpoints"/>), which the Api and
/// RemoteWrite functions hand their request to: one set of routes for both hosts.
/// </summary>
internal sealed class HttpApiPipeline
{
    private readonly RequestDelegate _pipeline;

    public HttpApiPipeline(IServiceProvider services)
    {
        var app = new ApplicationBuilder(services);
        app.UseRouting();
        app.UseMiddleware<HttpMetricsMiddleware>();
        app.UseMiddleware<UnmatchedPathMiddleware>();
        app.UseEndpoints(static endpoints => endpoints.MapMonitoringEndpoints());
        _pipeline = app.Build();
    }

    /// <summary>Serves the request; the response is written to <paramref name="context"/>.</summary>
    public Task InvokeAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // The worker's own routing chose the function's endpoint; ours must choose the API's.
        context.SetEndpoint(null);
        context.Request.RouteValues.Clear();
        return _pipeline(context);
    }
}
