using Microsoft.Extensions.Options;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// The custom-handler invocation endpoints: the host posts each non-HTTP function's payload to
/// <c>POST /&lt;FunctionName&gt;</c> and reads <c>{Outputs, Logs, ReturnValue}</c> back. A failure
/// answers 500 (the host then fails the invocation) with <c>Logs</c> saying why. HTTP functions
/// (Api, RemoteWrite) need nothing here: with request forwarding the host sends the original
/// request, which the ordinary endpoints serve.
/// <para>
/// The Api function's catch-all route would also forward a public <c>POST /Scrape</c> here. The
/// host's own invocation requests never carry a function key, while a forwarded request must
/// (authLevel function), so a request with one is answered as if these paths did not exist.
/// </para>
/// </summary>
internal static class InvocationEndpoints
{
    private const string Json = "application/json; charset=utf-8";
    private const string FunctionKeyHeader = "x-functions-key";
    private const string FunctionKeyQuery = "code";

    public static IEndpointRouteBuilder MapFunctionInvocations(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        Map<ScrapeInvocation>(endpoints, ScrapeInvocation.Name, static (f, request, result, ct) => f.RunAsync(request, result, ct));
        Map<IngestInvocation>(endpoints, IngestInvocation.Name, static (f, request, result, ct) => f.RunAsync(request, result, ct));
        Map<IngestQueueInvocation>(endpoints, IngestQueueInvocation.Name, static (f, request, result, ct) => f.RunAsync(request, result, ct));
        Map<CompactInvocation>(endpoints, CompactInvocation.Name, static (f, request, result, ct) => f.RunAsync(request, result, ct));
        Map<RetentionInvocation>(endpoints, RetentionInvocation.Name, static (f, request, result, ct) => f.RunAsync(request, result, ct));
        return endpoints;
    }

    private static void Map<TFunction>(
        IEndpointRouteBuilder endpoints,
        string name,
        Func<TFunction, InvocationRequest, InvocationResult, CancellationToken, Task> run)
        where TFunction : notnull
    {
        endpoints.MapPost("/" + name, async (HttpContext context, TFunction function, ILoggerFactory loggers) =>
        {
            if (context.Request.Headers.ContainsKey(FunctionKeyHeader) || context.Request.Query.ContainsKey(FunctionKeyQuery))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var logger = loggers.CreateLogger("Serverless.Monitoring.Functions." + name);
            var result = new InvocationResult(logger);
            var cancellationToken = context.RequestAborted;
            int status;
            try
            {
                var request = await InvocationRequest.ReadAsync(context.Request.Body, cancellationToken);
                await run(function, request, result, cancellationToken);
                status = StatusCodes.Status200OK;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The host gave up on the invocation (its timeout); nobody reads the answer.
                return;
            }
            catch (InvocationPayloadException ex)
            {
                logger.LogError("{Function}: {Problem}", name, ex.Message);
                result.Fail($"{name} failed: {ex.Message}");
                status = StatusCodes.Status500InternalServerError;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                logger.LogError(ex, "{Function} failed", name);
                result.Fail($"{name} failed: {ex.GetType().Name}: {ex.Message}");
                status = StatusCodes.Status500InternalServerError;
            }

            context.Response.StatusCode = status;
            context.Response.ContentType = Json;
            await context.Response.WriteAsync(result.ToJson(), CancellationToken.None);
        });
    }
}
