namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// A path that no endpoint serves answers 404 with Go's text, <c>404 page not found</c>, as
/// Prometheus does, instead of an empty body. WebApplication routes first, so a request without an
/// endpoint here matched nothing (a known path with another method has the 405 endpoint and keeps it).
/// </summary>
internal sealed class UnmatchedPathMiddleware(RequestDelegate next)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint() is not null)
        {
            return next(context);
        }

        context.Response.StatusCode = StatusCodes.Status404NotFound;
        context.Response.ContentType = "text/plain; charset=utf-8";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        return context.Response.WriteAsync("404 page not found\n", context.RequestAborted);
    }
}
