namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>A rule's own evaluation error (limit, duplicate label sets, result type), with upstream's text.</summary>
public sealed class RuleEvaluationException : Exception
{
    /// <summary>An error with <paramref name="message"/>.</summary>
    public RuleEvaluationException(string message)
        : base(message)
    {
    }

    /// <summary>An error without a message.</summary>
    public RuleEvaluationException()
    {
    }

    /// <summary>An error with a cause.</summary>
    public RuleEvaluationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
