namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>
/// The kinds of evaluation error, as upstream's HTTP API reports them in <c>errorType</c>
/// (web/api/v1: <c>execution</c> → 422, <c>timeout</c> → 503, <c>canceled</c> → 499).
/// Parse errors (<see cref="PromQLParseException"/>) are <c>bad_data</c> (400).
/// </summary>
public enum PromQLErrorType
{
    /// <summary>The query failed while evaluating (<c>execution</c>), e.g. too many samples.</summary>
    Execution,

    /// <summary>The query ran past its timeout (<c>timeout</c>).</summary>
    Timeout,

    /// <summary>The caller canceled the query (<c>canceled</c>).</summary>
    Canceled,
}

/// <summary>Wire names of <see cref="PromQLErrorType"/>.</summary>
public static class PromQLErrorTypeExtensions
{
    /// <summary>The <c>errorType</c> string of Prometheus's HTTP API.</summary>
    public static string ToApiName(this PromQLErrorType type) => type switch
    {
        PromQLErrorType.Timeout => "timeout",
        PromQLErrorType.Canceled => "canceled",
        _ => "execution",
    };
}
