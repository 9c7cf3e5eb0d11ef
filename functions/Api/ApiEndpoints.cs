using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// The Prometheus HTTP API v1 (queries, series and labels, metadata, status, rules and alerts,
/// exemplars) and <c>/federate</c>, registered together. Needs only what the host already
/// registers (<see cref="StorageEngineAccessor"/>, configuration, logging); query settings come
/// from the <c>Query</c> configuration section (<see cref="ApiQueryOptions"/>).
/// </summary>
internal static class ApiEndpoints
{
    public static IEndpointRouteBuilder MapApiEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var api = new ApiServices(endpoints.ServiceProvider);
        endpoints.MapQueryEndpoints(api);
        endpoints.MapSeriesEndpoints(api);
        endpoints.MapMetadataEndpoints();
        endpoints.MapStatusConfigEndpoints(api);
        endpoints.MapRulesEndpoints();
        endpoints.MapFederateEndpoint(api);
        endpoints.MapAlertmanagerEndpoints();
        return endpoints;
    }
}
