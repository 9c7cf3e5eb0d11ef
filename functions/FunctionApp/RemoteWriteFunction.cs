using Microsoft.AspNetCore.Mvc;
using Microsoft.Azure.Functions.Worker;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>
/// The remote-write receiver, <c>POST /api/v1/write</c>: a function of its own so that it scales,
/// is keyed and can be disabled apart from the query API. It answers 2xx only once the samples are
/// on the bus.
/// </summary>
internal sealed class RemoteWriteFunction(HttpApiPipeline api)
{
    public const string Name = "RemoteWrite";

    [Function(Name)]
    public async Task<IActionResult> RunAsync(
        [HttpTrigger(AuthorizationLevel.Function, "post", Route = "api/v1/write")] HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        await api.InvokeAsync(request.HttpContext);
        return new EmptyResult();
    }
}
