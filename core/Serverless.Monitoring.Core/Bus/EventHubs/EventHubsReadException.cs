namespace Serverless.Monitoring.Core.Bus.EventHubs;

/// <summary>
/// The event hub could not be read after the client's own retries (unreachable, unauthorized, no such
/// hub or consumer group). Nothing was checkpointed past what is stored, so nothing is lost.
/// </summary>
public sealed class EventHubsReadException : Exception
{
    public EventHubsReadException()
    {
    }

    public EventHubsReadException(string message)
        : base(message)
    {
    }

    public EventHubsReadException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
