namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/rules</c> (<c>{"groups":[]}</c>) and <c>/api/v1/alerts</c> (<c>{"alerts":[]}</c>):
/// empty until rules exist, in upstream's shape, with its check of the <c>type</c> parameter.
/// </summary>
internal static class RulesEndpoints
{
    public static IEndpointRouteBuilder MapRulesEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/rules", ApiHandler.Wrap(static (_, p) =>
        {
            var type = p["type"].ToLowerInvariant();
            if (type is not ("" or "alert" or "record"))
            {
                throw ApiErrors.InvalidParameter("type", $"not supported value \"{p["type"]}\"");
            }

            return Task.FromResult(new ApiResult(static json =>
            {
                json.WriteStartObject();
                json.WriteStartArray("groups");
                json.WriteEndArray();
                json.WriteEndObject();
            }));
        }));

        endpoints.MapGet("/api/v1/alerts", ApiHandler.Wrap(static (_, _) => Task.FromResult(new ApiResult(static json =>
        {
            json.WriteStartObject();
            json.WriteStartArray("alerts");
            json.WriteEndArray();
            json.WriteEndObject();
        }))));
        return endpoints;
    }
}
