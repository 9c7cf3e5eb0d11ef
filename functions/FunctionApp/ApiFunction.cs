using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// Every Prometheus endpoint (queries, series and labels, status, targets, <c>/metrics</c>,
/// <c>/federate</c>, remote read, <c>/-/healthy</c>) on its own path: a catch-all route with the
/// host's route prefix empty (host.json). Callers need a function key.
/// </summary>
internal sealed class ApiFunction(HttpApiPipeline api)
{
    public const string Name = "Api";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "get", "head", "post", "put", "delete", Route = "{*path}")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        await api.InvokeAsync(request.HttpContext);
        return new EmptyResult();
    }
}
