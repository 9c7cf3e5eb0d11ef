namespace Serverless.Monitoring.Core.PromQL.Engine;

/// <summary>An evaluation error with Prometheus's text; <see cref="ErrorType"/> says how an HTTP layer reports it.</summary>
public sealed class PromQLEvaluationException : Exception
{
    /// <summary>Creates an execution error.</summary>
    public PromQLEvaluationException(string message)
        : this(message, PromQLErrorType.Execution)
    {
    }

    /// <summary>Creates an error of the given type.</summary>
    public PromQLEvaluationException(string message, PromQLErrorType errorType)
        : base(message)
    {
        ErrorType = errorType;
    }

    /// <summary>Creates an execution error.</summary>
    public PromQLEvaluationException()
    {
    }

    /// <summary>Creates an execution error.</summary>
    public PromQLEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Creates an error of the given type.</summary>
    public PromQLEvaluationException(string message, PromQLErrorType errorType, Exception innerException)
        : base(message, innerException)
    {
        ErrorType = errorType;
    }

    /// <summary>Execution (the default), timeout or canceled.</summary>
    public PromQLErrorType ErrorType { get; }
}
