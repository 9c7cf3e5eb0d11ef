namespace Serverless.Monitoring.Core.Exposition;

/// <summary>
/// An exposition payload is malformed. <see cref="Reason"/> is worded as Prometheus's parsers
/// word it (e.g. <c>expected equal, got "INVALID"</c>...); <see cref="Exception.Message"/>
/// adds the 1-based line number.
/// </summary>
public sealed class ExpositionParseException : FormatException
{
    public ExpositionParseException()
    {
        Reason = string.Empty;
    }

    public ExpositionParseException(string message)
        : base(message)
    {
        Reason = message;
    }

    public ExpositionParseException(string message, Exception innerException)
        : base(message, innerException)
    {
        Reason = message;
    }

    /// <summary>A parse error at <paramref name="line"/> (1-based).</summary>
    public ExpositionParseException(string reason, int line)
        : base($"line {line}: {reason}")
    {
        Reason = reason;
        Line = line;
    }

    /// <summary>What is wrong, in Prometheus's words.</summary>
    public string Reason { get; }

    /// <summary>The 1-based line where the problem was found; 0 when unknown.</summary>
    public int Line { get; }
}
