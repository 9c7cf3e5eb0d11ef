using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// Prometheus's lifecycle API: <c>POST|PUT /-/reload</c> re-reads <c>prometheus.yml</c> (500 with the
/// reason when the new file is broken, the running config staying in force) and <c>/-/quit</c> stops
/// the server gracefully. Both need <see cref="WebOptions.EnableLifecycle"/> (403 otherwise), and
/// other methods get 405, with upstream's texts and status codes.
/// </summary>
internal static class LifecycleEndpoints
{
    private const string PlainText = "text/plain; charset=utf-8";

    public static IEndpointRouteBuilder MapLifecycleEndpoints(this IEndpointRouteBuilder endpoints)
    {
        string[] lifecycleMethods = [HttpMethods.Post, HttpMethods.Put];
        endpoints.MapMethods("/-/reload", lifecycleMethods, static (IOptions<WebOptions> web, PrometheusConfigSource config) =>
            !web.Value.EnableLifecycle ? NotEnabled()
            : config.Reload() is { } error ? Results.Text($"failed to reload config: {error}\n", PlainText, statusCode: StatusCodes.Status500InternalServerError)
            : Results.Ok());

        // Once per app, as upstream: a second request while stopping is told so.
        var quitting = 0;
        endpoints.MapMethods("/-/quit", lifecycleMethods, (HttpContext context, IOptions<WebOptions> web, IHostApplicationLifetime lifetime) =>
        {
            if (!web.Value.EnableLifecycle)
            {
                return NotEnabled();
            }

            if (Interlocked.Exchange(ref quitting, 1) == 1)
            {
                return Results.Text("Termination already in progress.", PlainText);
            }

            // Stop once the answer is sent: stopping first would close the connection under it.
            context.Response.OnCompleted(() =>
            {
                lifetime.StopApplication();
                return Task.CompletedTask;
            });
            return Results.Text("Requesting termination... Goodbye!", PlainText);
        });

        endpoints.MapMethods("/-/reload", [HttpMethods.Get], MethodNotAllowed);
        endpoints.MapMethods("/-/quit", [HttpMethods.Get], MethodNotAllowed);
        return endpoints;
    }

    private static IResult NotEnabled() => Results.Text("Lifecycle API is not enabled.", PlainText, statusCode: StatusCodes.Status403Forbidden);

    private static IResult MethodNotAllowed() => Results.Text("Only POST or PUT requests allowed", PlainText, statusCode: StatusCodes.Status405MethodNotAllowed);
}
