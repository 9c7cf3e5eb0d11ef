using System.Diagnostics;
using System.Text.Json;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>
/// <c>/api/v1/query</c>, <c>/api/v1/query_range</c>, <c>/api/v1/format_query</c>,
/// <c>/api/v1/parse_query</c> and <c>/api/v1/query_exemplars</c> (GET and form POST), with
/// upstream's parameter checks, in its order, and its error texts.
/// </summary>
internal static class QueryEndpoints
{
    /// <summary>Upstream caps range queries at this many points per series.</summary>
    public const int MaxPointsPerSeries = 11_000;

    /// <summary>Upstream's limit on warnings and infos in one response.</summary>
    private const int MaxAnnotations = 10;

    private static readonly string[] GetAndPost = [HttpMethods.Get, HttpMethods.Post];

    public static IEndpointRouteBuilder MapQueryEndpoints(this IEndpointRouteBuilder endpoints, ApiServices api)
    {
        endpoints.MapMethods("/api/v1/query", GetAndPost, ApiHandler.Wrap((context, p) => InstantAsync(api, p, context.RequestAborted)));
        endpoints.MapMethods("/api/v1/query_range", GetAndPost, ApiHandler.Wrap((context, p) => RangeAsync(api, p, context.RequestAborted)));
        endpoints.MapMethods("/api/v1/format_query", GetAndPost, ApiHandler.Wrap(static (_, p) =>
        {
            var expr = ApiHandler.ParseQueryParameter(p["query"]);
            var pretty = Printer.Pretty(expr);
            return Task.FromResult(new ApiResult(json => json.WriteStringValue(pretty)));
        }));
        endpoints.MapMethods("/api/v1/parse_query", GetAndPost, ApiHandler.Wrap(static (_, p) =>
        {
            var expr = ApiHandler.ParseQueryParameter(p["query"]);
            return Task.FromResult(new ApiResult(json => ParseQueryJson.Write(json, expr)));
        }));
        endpoints.MapMethods("/api/v1/query_exemplars", GetAndPost, ApiHandler.Wrap(static (_, p) => Task.FromResult(Exemplars(p))));
        return endpoints;
    }

    private static async Task<ApiResult> InstantAsync(ApiServices api, ApiParameters p, CancellationToken cancellationToken)
    {
        var limit = p.Limit();
        var time = p.Time("time", api.NowMs);
        var timeout = p.Duration("timeout");
        var lookback = LookbackDelta(p);
        var query = p["query"];
        var expr = ApiHandler.ParseQueryParameter(query);

        var storage = await api.GetStorageAsync();
        var engine = new PromQLEngine(new StorageSeriesSource(storage), ApiQueryOptions.ForRequest(api.QueryOptions, lookback, timeout));
        var started = Stopwatch.GetTimestamp();
        var result = await engine.InstantQueryAsync(expr, time, cancellationToken);
        return Respond(result, p, query, limit, time, Stopwatch.GetElapsedTime(started));
    }

    private static async Task<ApiResult> RangeAsync(ApiServices api, ApiParameters p, CancellationToken cancellationToken)
    {
        var limit = p.Limit();
        var start = p.Time("start");
        var end = p.Time("end");
        if (end < start)
        {
            throw ApiErrors.InvalidParameter("end", "end timestamp must not be before start time");
        }

        var stepText = p["step"];
        if (!ApiParameters.TryParseDuration(stepText, out var step, out var stepError))
        {
            throw ApiErrors.InvalidParameter("step", stepError);
        }

        if (step <= TimeSpan.Zero)
        {
            throw ApiErrors.InvalidParameter("step", "zero or negative query resolution step widths are not accepted. Try a positive integer");
        }

        // Upstream divides the durations in nanoseconds; ticks give the same quotient for any step of whole 100 ns.
        if ((Int128)(end - start) * TimeSpan.TicksPerMillisecond / step.Ticks > MaxPointsPerSeries)
        {
            throw ApiErrors.BadData("exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)");
        }

        var timeout = p.Duration("timeout");
        var lookback = LookbackDelta(p);
        var query = p["query"];
        var expr = ApiHandler.ParseQueryParameter(query);
        if (expr.Type is not (ExprType.Scalar or ExprType.Vector))
        {
            throw ApiErrors.InvalidParameter("query", $"invalid expression type \"{expr.Type.Documented()}\" for range query, must be Scalar or instant Vector");
        }

        var storage = await api.GetStorageAsync();
        var engine = new PromQLEngine(new StorageSeriesSource(storage), ApiQueryOptions.ForRequest(api.QueryOptions, lookback, timeout));
        var started = Stopwatch.GetTimestamp();
        var stepMs = Math.Max(1, (long)step.TotalMilliseconds);
        var result = await engine.RangeQueryAsync(expr, start, end, stepMs, cancellationToken);
        return Respond(result, p, query, limit, start, Stopwatch.GetElapsedTime(started));
    }

    private static TimeSpan? LookbackDelta(ApiParameters p)
    {
        var text = p["lookback_delta"];
        if (text.Length == 0)
        {
            return null;
        }

        return ApiParameters.TryParseDuration(text, out var d, out var error)
            ? d
            : throw ApiErrors.BadData($"error parsing lookback delta duration: {error}");
    }

    private static ApiResult Respond(QueryResult result, ApiParameters p, string query, int limit, long time, TimeSpan elapsed)
    {
        var warnings = new List<string>();
        var infos = new List<string>();
        var skippedWarnings = 0;
        var skippedInfos = 0;
        foreach (var annotation in result.Annotations)
        {
            var (list, isWarning) = annotation.Severity == AnnotationSeverity.Warning ? (warnings, true) : (infos, false);
            if (list.Count < MaxAnnotations)
            {
                list.Add(annotation.Format(query));
            }
            else if (isWarning)
            {
                skippedWarnings++;
            }
            else
            {
                skippedInfos++;
            }
        }

        if (skippedWarnings > 0)
        {
            warnings.Add($"{skippedWarnings} more warning annotations omitted");
        }

        if (skippedInfos > 0)
        {
            infos.Add($"{skippedInfos} more info annotations omitted");
        }

        if (limit > 0 && result.Type is ExprType.Vector or ExprType.Matrix && result.Series.Count > limit)
        {
            warnings.Add("results truncated due to limit");
        }

        var stats = p["stats"];
        if (stats is not ("" or "true" or "all"))
        {
            warnings.Add($"value \"{stats}\" for parameter \"stats\" is deprecated and will be rejected in the next major release, use \"true\" or \"all\"");
        }

        return new ApiResult(
            json =>
            {
                json.WriteStartObject();
                PrometheusJsonWriter.WriteQueryResult(json, result, limit, time);
                if (stats.Length > 0)
                {
                    WriteStats(json, result, elapsed);
                }

                json.WriteEndObject();
            },
            warnings,
            infos);
    }

    /// <summary>Upstream's query stats shape; we time the whole evaluation and count peak samples only.</summary>
    private static void WriteStats(Utf8JsonWriter json, QueryResult result, TimeSpan elapsed)
    {
        json.WriteStartObject("stats");
        json.WriteStartObject("timings");
        json.WriteNumber("evalTotalTime", elapsed.TotalSeconds);
        json.WriteNumber("resultSortTime", 0);
        json.WriteNumber("queryPreparationTime", 0);
        json.WriteNumber("innerEvalTime", elapsed.TotalSeconds);
        json.WriteNumber("execQueueTime", 0);
        json.WriteNumber("execTotalTime", elapsed.TotalSeconds);
        json.WriteEndObject();
        json.WriteStartObject("samples");
        json.WriteNumber("peakSamples", result.PeakSamples);
        json.WriteEndObject();
        json.WriteEndObject();
    }

    /// <summary>We keep no exemplars: an empty list for a query with selectors, 204 for one without (as upstream).</summary>
    private static ApiResult Exemplars(ApiParameters p)
    {
        var start = p.Time("start", ApiParameters.MinTimeMs);
        var end = p.Time("end", ApiParameters.MaxTimeMs);
        if (end < start)
        {
            throw ApiErrors.BadData("end timestamp must not be before start timestamp");
        }

        Expr expr;
        try
        {
            expr = Parser.ParseExpr(p["query"]);
        }
        catch (PromQLParseException ex)
        {
            throw ApiErrors.BadData(ex.Message);
        }

        var hasSelector = expr is VectorSelector || ExprWalker.Descendants(expr).Any(e => e is VectorSelector);
        return hasSelector ? new ApiResult(static json => { json.WriteStartArray(); json.WriteEndArray(); }) : new ApiResult(null);
    }
}
