using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Functions.Api;

/// <summary>Prometheus's API error kinds (web/api/v1 <c>errorType</c>), each with its HTTP status.</summary>
internal enum ApiErrorType
{
    BadData,
    Execution,
    Timeout,
    Canceled,
    Internal,
    Unavailable,
    NotFound,
}

/// <summary>A request that ends in Prometheus's error envelope: <c>{"status":"error","errorType":…,"error":…}</c>.</summary>
internal sealed class ApiException : Exception
{
    public ApiException(ApiErrorType type, string message)
        : base(message)
    {
        Type = type;
    }

    public ApiException(ApiErrorType type, string message, Exception inner)
        : base(message, inner)
    {
        Type = type;
    }

    public ApiException()
        : this(ApiErrorType.Internal, "internal error")
    {
    }

    public ApiException(string message)
        : this(ApiErrorType.Internal, message)
    {
    }

    public ApiException(string message, Exception innerException)
        : this(ApiErrorType.Internal, message, innerException)
    {
    }

    public ApiErrorType Type { get; }
}

/// <summary>Error names, status codes and the texts Prometheus uses for bad parameters.</summary>
internal static class ApiErrors
{
    /// <summary>nginx's "client closed request", which Prometheus uses for canceled queries.</summary>
    public const int StatusClientClosedRequest = 499;

    public static string Name(this ApiErrorType type) => type switch
    {
        ApiErrorType.BadData => "bad_data",
        ApiErrorType.Execution => "execution",
        ApiErrorType.Timeout => "timeout",
        ApiErrorType.Canceled => "canceled",
        ApiErrorType.Unavailable => "unavailable",
        ApiErrorType.NotFound => "not_found",
        _ => "internal",
    };

    public static int StatusCode(this ApiErrorType type) => type switch
    {
        ApiErrorType.BadData => StatusCodes.Status400BadRequest,
        ApiErrorType.Execution => StatusCodes.Status422UnprocessableEntity,
        ApiErrorType.Timeout or ApiErrorType.Unavailable => StatusCodes.Status503ServiceUnavailable,
        ApiErrorType.Canceled => StatusClientClosedRequest,
        ApiErrorType.NotFound => StatusCodes.Status404NotFound,
        _ => StatusCodes.Status500InternalServerError,
    };

    /// <summary>Upstream's <c>invalidParamError</c>: <c>invalid parameter "name": reason</c>.</summary>
    public static ApiException InvalidParameter(string parameter, string reason) =>
        new(ApiErrorType.BadData, $"invalid parameter \"{parameter}\": {reason}");

    public static ApiException BadData(string message) => new(ApiErrorType.BadData, message);

    /// <summary>The API error an evaluation error becomes (upstream's <c>returnAPIError</c>).</summary>
    public static ApiException FromEvaluation(PromQLEvaluationException error) => new(
        error.ErrorType switch
        {
            PromQLErrorType.Timeout => ApiErrorType.Timeout,
            PromQLErrorType.Canceled => ApiErrorType.Canceled,
            _ => ApiErrorType.Execution,
        },
        error.Message,
        error);
}
