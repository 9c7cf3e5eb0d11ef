using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/status/config</c> (the running <c>prometheus.yml</c>, secrets redacted),
/// <c>/flags</c> (the settings we honour, under Prometheus's flag names), <c>/runtimeinfo</c>
/// and <c>/tsdb</c> (cardinality of the newest two hours of stored data, as Prometheus reports its head).
/// </summary>
internal static class StatusConfigEndpoints
{
    private const long HeadSpanMs = 2 * 3600 * 1000;
    private const int MaxTsdbLimit = 10_000;
    private static readonly DateTimeOffset ProcessStart = Process.GetCurrentProcess().StartTime.ToUniversalTime();

    public static IEndpointRouteBuilder MapStatusConfigEndpoints(this IEndpointRouteBuilder endpoints, ApiServices api)
    {
        endpoints.MapGet("/api/v1/status/config", ApiHandler.Wrap((context, _) =>
        {
            var yaml = CurrentConfig(context.RequestServices)?.ToYaml() ?? string.Empty;
            return Task.FromResult(new ApiResult(json =>
            {
                json.WriteStartObject();
                json.WriteString("yaml", yaml);
                json.WriteEndObject();
            }));
        }));

        endpoints.MapGet("/api/v1/status/flags", ApiHandler.Wrap((context, _) =>
        {
            var flags = Flags(context.RequestServices.GetRequiredService<IConfiguration>(), api);
            return Task.FromResult(new ApiResult(json =>
            {
                json.WriteStartObject();
                foreach (var (name, value) in flags)
                {
                    json.WriteString(name, value);
                }

                json.WriteEndObject();
            }));
        }));

        endpoints.MapGet("/api/v1/status/runtimeinfo", ApiHandler.Wrap((context, _) => Task.FromResult(RuntimeInfo(context.RequestServices, api))));
        endpoints.MapGet("/api/v1/status/tsdb", ApiHandler.Wrap((context, p) => TsdbAsync(api, p, context.RequestAborted)));
        return endpoints;
    }

    /// <summary>Go's <c>time.Time</c> JSON: RFC 3339 with nanoseconds, trailing zeros trimmed.</summary>
    public static string GoTime(DateTimeOffset time) =>
        time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss.FFFFFFF'Z'", CultureInfo.InvariantCulture);

    /// <summary>The running prometheus.yml (loaded now if the host has not yet).</summary>
    public static Core.Config.PrometheusConfig? CurrentConfig(IServiceProvider services)
    {
        var source = services.GetService<PrometheusConfigSource>();
        if (source is null)
        {
            return null;
        }

        try
        {
            return source.Current;
        }
        catch (InvalidOperationException)
        {
            return source.LoadInitial();
        }
    }

    private static SortedDictionary<string, string> Flags(IConfiguration configuration, ApiServices api)
    {
        var storage = configuration.GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var scrape = configuration.GetSection(ScrapeOptions.SectionName).Get<ScrapeOptions>() ?? new ScrapeOptions();
        var web = configuration.GetSection(WebOptions.SectionName).Get<WebOptions>() ?? new WebOptions();
        return new SortedDictionary<string, string>(StringComparer.Ordinal)
        {
            ["config.file"] = scrape.ConfigFile,
            ["web.listen-address"] = web.ListenAddress,
            ["web.enable-lifecycle"] = web.EnableLifecycle ? "true" : "false",
            ["web.enable-remote-write-receiver"] = web.EnableRemoteWriteReceiver ? "true" : "false",
            ["storage.tsdb.path"] = storage.LocalPath,
            ["storage.tsdb.retention.time"] = storage.RetentionTime,
            ["storage.tsdb.retention.size"] = storage.RetentionSize,
            ["query.lookback-delta"] = PrometheusDuration.Format(api.QueryOptions.LookbackDelta),
            ["query.timeout"] = api.QueryOptions.Timeout == Timeout.InfiniteTimeSpan ? "0s" : PrometheusDuration.Format(api.QueryOptions.Timeout),
            ["query.max-samples"] = api.QueryOptions.MaxSamples.ToString(CultureInfo.InvariantCulture),
        };
    }

    private static ApiResult RuntimeInfo(IServiceProvider services, ApiServices api)
    {
        var source = services.GetService<PrometheusConfigSource>();
        var storage = services.GetRequiredService<IConfiguration>().GetSection(StorageOptions.SectionName).Get<StorageOptions>() ?? new StorageOptions();
        var retention = storage.RetentionSize is "0" or "" ? storage.RetentionTime : $"{storage.RetentionTime} or {storage.RetentionSize}";
        var now = api.Time.GetUtcNow();
        var gcInfo = GC.GetGCMemoryInfo();
        return new ApiResult(json =>
        {
            json.WriteStartObject();
            json.WriteString("startTime", GoTime(ProcessStart));
            json.WriteString("CWD", Directory.GetCurrentDirectory());
            json.WriteString("hostname", Environment.MachineName);
            json.WriteString("serverTime", GoTime(now));
            json.WriteBoolean("reloadConfigSuccess", source?.LastReloadSuccessful ?? true);
            json.WriteString("lastConfigTime", GoTime(source?.LastReload ?? ProcessStart));
            json.WriteNumber("corruptionCount", 0);
            json.WriteNumber("goroutineCount", ThreadPool.ThreadCount);
            json.WriteNumber("GOMAXPROCS", Environment.ProcessorCount);
            json.WriteNumber("GOMEMLIMIT", gcInfo.TotalAvailableMemoryBytes);
            json.WriteString("GOGC", string.Empty);
            json.WriteString("GODEBUG", string.Empty);
            json.WriteString("storageRetention", retention);
            json.WriteEndObject();
        });
    }

    private static async Task<ApiResult> TsdbAsync(ApiServices api, ApiParameters p, CancellationToken cancellationToken)
    {
        var limit = 10;
        var text = p["limit"];
        if (text.Length > 0)
        {
            if (!int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out limit) || limit < 1)
            {
                throw ApiErrors.BadData("limit must be a positive number");
            }

            if (limit > MaxTsdbLimit)
            {
                throw ApiErrors.BadData($"limit must not exceed {MaxTsdbLimit}");
            }
        }

        var storage = await api.GetStorageAsync();
        var stats = await TsdbStats.ComputeAsync(storage, HeadSpanMs, cancellationToken);
        return new ApiResult(json =>
        {
            json.WriteStartObject();
            json.WriteStartObject("headStats");
            json.WriteNumber("numSeries", stats.NumSeries);
            json.WriteNumber("numLabelPairs", stats.NumLabelPairs);
            json.WriteNumber("chunkCount", stats.ChunkCount);
            json.WriteNumber("minTime", stats.MinTime);
            json.WriteNumber("maxTime", stats.MaxTime);
            json.WriteEndObject();
            Top(json, "seriesCountByMetricName", stats.SeriesCountByMetricName, limit);
            Top(json, "labelValueCountByLabelName", stats.LabelValueCountByLabelName, limit);
            Top(json, "memoryInBytesByLabelName", stats.MemoryInBytesByLabelName, limit);
            Top(json, "seriesCountByLabelValuePair", stats.SeriesCountByLabelValuePair, limit);
            json.WriteEndObject();
        });
    }

    private static void Top(Utf8JsonWriter json, string name, Dictionary<string, long> counts, int limit)
    {
        json.WriteStartArray(name);
        foreach (var (key, value) in counts.OrderByDescending(c => c.Value).ThenBy(c => c.Key, StringComparer.Ordinal).Take(limit))
        {
            json.WriteStartObject();
            json.WriteString("name", key);
            json.WriteNumber("value", value);
            json.WriteEndObject();
        }

        json.WriteEndArray();
    }

    /// <summary>Cardinality of the newest <c>span</c> of data (the catalog's blocks there, their series).</summary>
    private sealed record TsdbStats(
        long NumSeries,
        long NumLabelPairs,
        long ChunkCount,
        long MinTime,
        long MaxTime,
        Dictionary<string, long> SeriesCountByMetricName,
        Dictionary<string, long> LabelValueCountByLabelName,
        Dictionary<string, long> MemoryInBytesByLabelName,
        Dictionary<string, long> SeriesCountByLabelValuePair)
    {
        public static async Task<TsdbStats> ComputeAsync(StorageEngine storage, long spanMs, CancellationToken cancellationToken)
        {
            var blocks = await storage.Catalog.ListAsync(ApiParameters.MinTimeMs, ApiParameters.MaxTimeMs, cancellationToken: cancellationToken);
            if (blocks.Count == 0)
            {
                // What Prometheus reports for an empty head.
                return new TsdbStats(0, 0, 0, long.MaxValue, long.MinValue, [], [], [], []);
            }

            var maxTime = blocks.Max(b => b.MaxTimeMs);
            var from = maxTime - spanMs;
            var head = blocks.Where(b => b.MaxTimeMs >= from).ToList();
            var minTime = Math.Max(from, head.Min(b => b.MinTimeMs));
            var series = await storage.SeriesAsync([LabelMatcher.RegexMatch(LabelValidation.MetricNameLabel, ".+")], minTime, maxTime, cancellationToken);

            var byMetric = new Dictionary<string, long>(StringComparer.Ordinal);
            var valuesByName = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
            var byPair = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var labels in series)
            {
                byMetric[labels.MetricName] = byMetric.GetValueOrDefault(labels.MetricName) + 1;
                foreach (var label in labels)
                {
                    if (!valuesByName.TryGetValue(label.Name, out var values))
                    {
                        valuesByName[label.Name] = values = new HashSet<string>(StringComparer.Ordinal);
                    }

                    values.Add(label.Value);
                    var pair = $"{label.Name}={label.Value}";
                    byPair[pair] = byPair.GetValueOrDefault(pair) + 1;
                }
            }

            return new TsdbStats(
                series.Count,
                byPair.Count,
                head.Sum(b => b.NumChunks),
                minTime,
                maxTime,
                byMetric,
                valuesByName.ToDictionary(v => v.Key, v => (long)v.Value.Count, StringComparer.Ordinal),
                valuesByName.ToDictionary(v => v.Key, v => v.Value.Sum(s => (long)s.Length), StringComparer.Ordinal),
                byPair);
        }
    }
}
