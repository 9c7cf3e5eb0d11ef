using Serverless.Monitoring.Core.Discovery;
using System.Globalization;
using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Scraping;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/targets</c> in Prometheus's JSON shape (active and dropped targets, filtered by
/// <c>state</c> and <c>scrapePool</c>).
/// </summary>
internal static class TargetsEndpoints
{
    public static IEndpointRouteBuilder MapTargetsEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/v1/targets", static (HttpContext context, ScrapeManager manager, DiscoveryManager discovery) =>
        {
            var state = context.Request.Query["state"].ToString();
            var pool = context.Request.Query["scrapePool"].ToString();
            return Results.Stream(stream => WriteTargetsAsync(stream, manager, discovery, state, pool), "application/json");
        });
        return endpoints;
    }

    private static async Task WriteTargetsAsync(Stream stream, ScrapeManager manager, DiscoveryManager discovery, string state, string pool)
    {
        var showActive = state.Length == 0 || state is "active" or "any";
        var showDropped = state.Length == 0 || state is "dropped" or "any";
        await using var json = new Utf8JsonWriter(stream);
        json.WriteStartObject();
        json.WriteString("status", "success");
        json.WriteStartObject("data");
        json.WriteStartArray("activeTargets");
        if (showActive)
        {
            foreach (var status in manager.Targets.Where(t => pool.Length == 0 || t.Target.Job == pool))
            {
                WriteActive(json, status);
            }
        }

        json.WriteEndArray();
        json.WriteStartArray("droppedTargets");
        if (showDropped)
        {
            foreach (var (job, targets) in discovery.Targets.OrderBy(j => j.Key, StringComparer.Ordinal))
            {
                if (pool.Length > 0 && job != pool)
                {
                    continue;
                }

                foreach (var dropped in targets.Dropped)
                {
                    json.WriteStartObject();
                    WriteLabels(json, "discoveredLabels", dropped.DiscoveredLabels);
                    json.WriteEndObject();
                }
            }
        }

        json.WriteEndArray();
        json.WriteEndObject();
        json.WriteEndObject();
    }

    private static void WriteActive(Utf8JsonWriter json, TargetStatus status)
    {
        var target = status.Target;
        json.WriteStartObject();
        WriteLabels(json, "discoveredLabels", target.DiscoveredLabels);
        WriteLabels(json, "labels", target.Labels);
        json.WriteString("scrapePool", target.Job);
        json.WriteString("scrapeUrl", target.Url.AbsoluteUri);
        json.WriteString("globalUrl", GlobalUrl(target.Url));
        json.WriteString("lastError", status.LastReport?.Error ?? string.Empty);
        // Go's RFC 3339 with nanoseconds; never scraped is Go's zero time, as Prometheus shows it.
        json.WriteString("lastScrape", (status.LastScrape?.UtcDateTime ?? DateTime.MinValue).ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture));
        json.WriteNumber("lastScrapeDuration", status.LastReport?.Duration.TotalSeconds ?? 0);
        json.WriteString("health", status.Health);
        json.WriteString("scrapeInterval", PrometheusDuration.Format(target.Interval));
        json.WriteString("scrapeTimeout", PrometheusDuration.Format(target.Timeout));
        json.WriteEndObject();
    }

    private static void WriteLabels(Utf8JsonWriter json, string name, LabelSet labels)
    {
        json.WriteStartObject(name);
        foreach (var label in labels)
        {
            json.WriteString(label.Name, label.Value);
        }

        json.WriteEndObject();
    }

    /// <summary>As Prometheus: the URL with localhost replaced by this machine's name, for links from elsewhere.</summary>
    private static string GlobalUrl(Uri url) =>
        url.IsLoopback && url.Host is "localhost" or "127.0.0.1" ? new UriBuilder(url) { Host = Environment.MachineName.ToLowerInvariant() }.Uri.AbsoluteUri : url.AbsoluteUri;
}
