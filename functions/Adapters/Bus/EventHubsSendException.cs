namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>Event Hubs refused a send or could not be reached, after the retries.</summary>
public sealed class EventHubsSendException : Exception
{
    public EventHubsSendException()
    {
    }

    public EventHubsSendException(string message)
        : base(message)
    {
    }

    public EventHubsSendException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    public EventHubsSendException(string message, int status, Exception? innerException = null)
        : base(message, innerException)
    {
        Status = status;
    }

    /// <summary>The last HTTP status; 0 when no response came.</summary>
    public int Status { get; }
}
