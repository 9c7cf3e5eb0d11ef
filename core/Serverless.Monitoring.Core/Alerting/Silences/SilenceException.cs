namespace Serverless.Monitoring.Core.Alerting.Silences;

/// <summary>A silence refused or not found; the message is Alertmanager 0.25's text.</summary>
public sealed class SilenceException : Exception
{
    public SilenceException()
    {
    }

    public SilenceException(string message)
        : base(message)
    {
    }

    public SilenceException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>Upstream's <c>ErrNotFound</c> (the API answers 404 on update, 500 on delete).</summary>
    public bool NotFound { get; init; }

    internal static SilenceException NotFoundError() => new("silence not found") { NotFound = true };
}
