using System.Globalization;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/metadata</c> (<c>{metric: [{type, help, unit}]}</c>) and <c>/api/v1/targets/metadata</c>
/// (<c>[{target, metric, type, help, unit}]</c>), with upstream's parameter checks, from the
/// HELP, TYPE and UNIT lines the scrape loops of this process saw.
/// </summary>
internal static class MetadataEndpoints
{
    public static IEndpointRouteBuilder MapMetadataEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/metadata", ApiHandler.Wrap(static (context, p) =>
        {
            var limit = Number(p, "limit");
            var perMetric = Number(p, "limit_per_metric");
            var metric = p["metric"];
            var byMetric = new SortedDictionary<string, List<MetricMetadata>>(StringComparer.Ordinal);
            foreach (var target in context.RequestServices.GetRequiredService<ScrapeManager>().Targets)
            {
                foreach (var m in target.Metadata)
                {
                    if (metric.Length > 0 && m.Metric != metric)
                    {
                        continue;
                    }

                    if (!byMetric.TryGetValue(m.Metric, out var list))
                    {
                        byMetric[m.Metric] = list = [];
                    }

                    if (!list.Contains(m) && (perMetric <= 0 || list.Count < perMetric))
                    {
                        list.Add(m);
                    }
                }
            }

            return Task.FromResult(new ApiResult(json =>
            {
                json.WriteStartObject();
                foreach (var (name, list) in limit > 0 ? byMetric.Take(limit) : byMetric)
                {
                    json.WriteStartArray(name);
                    foreach (var m in list)
                    {
                        json.WriteStartObject();
                        json.WriteString("type", m.Type);
                        json.WriteString("help", m.Help);
                        json.WriteString("unit", m.Unit);
                        json.WriteEndObject();
                    }

                    json.WriteEndArray();
                }

                json.WriteEndObject();
            }));
        }));

        endpoints.MapGet("/api/v1/targets/metadata", ApiHandler.Wrap(static (context, p) =>
        {
            var limit = Number(p, "limit");
            var matchTarget = p["match_target"];
            IReadOnlyList<LabelMatcher> matchers = [];
            if (matchTarget.Length > 0)
            {
                try
                {
                    matchers = Core.PromQL.Parser.ParseMetricSelector(matchTarget);
                }
                catch (Core.PromQL.PromQLParseException ex)
                {
                    throw ApiErrors.InvalidParameter("match_target", ex.Message);
                }
            }

            var metric = p["metric"];
            var rows = new List<(LabelSet Target, MetricMetadata Metadata)>();
            foreach (var target in context.RequestServices.GetRequiredService<ScrapeManager>().Targets)
            {
                if (!matchers.All(m => m.Matches(target.Target.Labels.Get(m.Name))))
                {
                    continue;
                }

                foreach (var m in target.Metadata)
                {
                    if ((metric.Length == 0 || m.Metric == metric) && (limit <= 0 || rows.Count < limit))
                    {
                        rows.Add((target.Target.Labels, m));
                    }
                }
            }

            return Task.FromResult(new ApiResult(json =>
            {
                json.WriteStartArray();
                foreach (var (target, m) in rows)
                {
                    json.WriteStartObject();
                    json.WriteStartObject("target");
                    foreach (var label in target)
                    {
                        json.WriteString(label.Name, label.Value);
                    }

                    json.WriteEndObject();
                    json.WriteString("metric", m.Metric);
                    json.WriteString("type", m.Type);
                    json.WriteString("help", m.Help);
                    json.WriteString("unit", m.Unit);
                    json.WriteEndObject();
                }

                json.WriteEndArray();
            }));
        }));
        return endpoints;
    }

    /// <summary>Upstream's check of <c>limit</c> and <c>limit_per_metric</c>: "… must be a number".</summary>
    private static int Number(ApiParameters p, string name)
    {
        var text = p[name];
        if (text.Length == 0)
        {
            return -1;
        }

        return int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var value)
            ? value
            : throw ApiErrors.BadData($"{name} must be a number");
    }
}
