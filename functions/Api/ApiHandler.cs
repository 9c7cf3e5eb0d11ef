using System.Text.Json;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>What an API function answers: the <c>data</c> writer (null: 204 No Content, as upstream), warnings and infos.</summary>
internal sealed record ApiResult(Action<Utf8JsonWriter>? WriteData, IReadOnlyList<string>? Warnings = null, IReadOnlyList<string>? Infos = null);

/// <summary>An API function over the request's merged parameters.</summary>
internal delegate Task<ApiResult> ApiFunction(HttpContext context, ApiParameters parameters);

/// <summary>
/// Runs API functions as upstream's <c>wrap</c> does: parameters read (form body and URL), the
/// envelope <c>{"status":"success","data":…,"warnings":[…],"infos":[…]}</c> (the arrays only
/// when non-empty), and errors as <c>{"status":"error","errorType":…,"error":…}</c> with the
/// error type's status code.
/// </summary>
internal static class ApiHandler
{
    public const string JsonContentType = "application/json";

    public static RequestDelegate Wrap(ApiFunction function) => async context =>
    {
        ApiResult result;
        try
        {
            var parameters = await ApiParameters.ReadAsync(context.Request, context.RequestAborted);
            result = await function(context, parameters);
        }
        catch (ApiException ex)
        {
            await WriteErrorAsync(context.Response, ex.Type, ex.Message, context.RequestAborted);
            return;
        }
        catch (PromQLEvaluationException ex)
        {
            var error = ApiErrors.FromEvaluation(ex);
            await WriteErrorAsync(context.Response, error.Type, error.Message, context.RequestAborted);
            return;
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            await WriteErrorAsync(context.Response, ApiErrorType.Canceled, "context canceled", CancellationToken.None);
            return;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // Upstream answers storage failures as "internal" (500) in the same envelope.
            context.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(ApiHandler)).LogError(ex, "API request {Path} failed", context.Request.Path);
            await WriteErrorAsync(context.Response, ApiErrorType.Internal, ex.Message, context.RequestAborted);
            return;
        }

        await WriteSuccessAsync(context.Response, result, context.RequestAborted);
    };

    public static async Task WriteSuccessAsync(HttpResponse response, ApiResult result, CancellationToken cancellationToken)
    {
        if (result.WriteData is null)
        {
            response.StatusCode = StatusCodes.Status204NoContent;
            return;
        }

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = JsonContentType;
        using (var json = new Utf8JsonWriter(response.BodyWriter, PrometheusJsonWriter.Options))
        {
            json.WriteStartObject();
            json.WriteString("status", "success");
            json.WritePropertyName("data");
            result.WriteData(json);
            WriteStrings(json, "warnings", result.Warnings);
            WriteStrings(json, "infos", result.Infos);
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    public static async Task WriteErrorAsync(HttpResponse response, ApiErrorType type, string message, CancellationToken cancellationToken)
    {
        if (response.HasStarted)
        {
            return;
        }

        response.StatusCode = type.StatusCode();
        response.ContentType = JsonContentType;
        using (var json = new Utf8JsonWriter(response.BodyWriter, PrometheusJsonWriter.Options))
        {
            json.WriteStartObject();
            json.WriteString("status", "error");
            json.WriteString("errorType", type.Name());
            json.WriteString("error", message);
            json.WriteEndObject();
        }

        await response.BodyWriter.FlushAsync(cancellationToken);
    }

    /// <summary>Parses <paramref name="query"/>; a parse error is <c>invalid parameter "query": 1:5: parse error: …</c>.</summary>
    public static Expr ParseQueryParameter(string query)
    {
        try
        {
            return Parser.ParseExpr(query);
        }
        catch (PromQLParseException ex)
        {
            throw ApiErrors.InvalidParameter("query", ex.Message);
        }
    }

    private static void WriteStrings(Utf8JsonWriter json, string name, IReadOnlyList<string>? values)
    {
        if (values is not { Count: > 0 })
        {
            return;
        }

        json.WriteStartArray(name);
        foreach (var value in values)
        {
            json.WriteStringValue(value);
        }

        json.WriteEndArray();
    }
}
