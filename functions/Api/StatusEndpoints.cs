using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>Prometheus's management and status endpoints: <c>/-/healthy</c>, <c>/-/ready</c>, <c>/api/v1/status/buildinfo</c>.</summary>
internal static class StatusEndpoints
{
    private const string PlainText = "text/plain; charset=utf-8";
    private static readonly string[] GetAndHead = [HttpMethods.Get, HttpMethods.Head];

    public static IEndpointRouteBuilder MapStatusEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapMethods("/-/healthy", GetAndHead, static () =>
            Results.Text($"{MonitoringHost.ProductName} Server is Healthy.\n", PlainText));

        endpoints.MapMethods("/-/ready", GetAndHead, static (ReadinessState readiness) => readiness.IsReady
            ? Results.Text($"{MonitoringHost.ProductName} Server is Ready.\n", PlainText)
            : Results.Text("Service Unavailable\n", PlainText, statusCode: StatusCodes.Status503ServiceUnavailable));

        endpoints.MapGet("/api/v1/status/buildinfo", static (BuildInfo build) => TypedResults.Json(
            ApiResponse<BuildInfoData>.Success(new BuildInfoData(
                build.Version, build.Revision, build.Branch, build.BuildUser, build.BuildDate, build.RuntimeVersion)),
            ApiJsonContext.Default.ApiResponseBuildInfoData));
        return endpoints;
    }
}
