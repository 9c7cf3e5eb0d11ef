using System.Globalization;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/metadata</c> (<c>{metric: [{type, help, unit}]}</c>) and <c>/api/v1/targets/metadata</c>
/// (<c>[{target, metric, type, help, unit}]</c>), with upstream's parameter checks. The scraper
/// does not keep metric metadata yet, so both answer empty collections in the right shape.
/// </summary>
internal static class MetadataEndpoints
{
    public static IEndpointRouteBuilder MapMetadataEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/metadata", ApiHandler.Wrap(static (_, p) =>
        {
            Number(p, "limit");
            Number(p, "limit_per_metric");
            return Task.FromResult(new ApiResult(static json =>
            {
                json.WriteStartObject();
                json.WriteEndObject();
            }));
        }));

        endpoints.MapGet("/api/v1/targets/metadata", ApiHandler.Wrap(static (_, p) =>
        {
            Number(p, "limit");
            var matchTarget = p["match_target"];
            if (matchTarget.Length > 0)
            {
                try
                {
                    Core.PromQL.Parser.ParseMetricSelector(matchTarget);
                }
                catch (Core.PromQL.PromQLParseException ex)
                {
                    throw ApiErrors.InvalidParameter("match_target", ex.Message);
                }
            }

            return Task.FromResult(new ApiResult(static json =>
            {
                json.WriteStartArray();
                json.WriteEndArray();
            }));
        }));
        return endpoints;
    }

    /// <summary>Upstream's check of <c>limit</c> and <c>limit_per_metric</c>: "… must be a number".</summary>
    private static void Number(ApiParameters p, string name)
    {
        var text = p[name];
        if (text.Length > 0 && !int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out _))
        {
            throw ApiErrors.BadData($"{name} must be a number");
        }
    }
}
