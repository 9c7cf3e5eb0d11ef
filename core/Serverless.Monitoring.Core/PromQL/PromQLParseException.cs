namespace Serverless.Monitoring.Core.PromQL;

/// <summary>
/// A query that does not parse or type-check. <see cref="Exception.Message"/> reads like
/// Prometheus's: <c>1:5: parse error: unexpected &lt;op:+&gt;</c>.
/// </summary>
public sealed class PromQLParseException : Exception
{
    /// <summary>Creates the error for <paramref name="query"/>.</summary>
    public PromQLParseException(string query, PositionRange position, string error)
        : base($"{position.StartPosition(query ?? string.Empty)}: parse error: {error}")
    {
        Query = query ?? string.Empty;
        Position = position;
        Error = error;
    }

    /// <summary>Creates an error without position details.</summary>
    public PromQLParseException()
        : this(string.Empty, default, "parse error")
    {
    }

    /// <summary>Creates an error without position details.</summary>
    public PromQLParseException(string message)
        : this(string.Empty, default, message)
    {
    }

    /// <summary>Creates an error without position details.</summary>
    public PromQLParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Query = string.Empty;
        Error = message;
    }

    /// <summary>The query text.</summary>
    public string Query { get; }

    /// <summary>Where the error is.</summary>
    public PositionRange Position { get; }

    /// <summary>The error without the position prefix, e.g. <c>unexpected end of input</c>.</summary>
    public string Error { get; }
}
