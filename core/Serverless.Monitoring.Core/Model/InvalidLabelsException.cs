namespace Serverless.Monitoring.Core.Model;

/// <summary>A label set could not be built; <see cref="Exception.Message"/> is Prometheus's reason text.</summary>
public sealed class InvalidLabelsException : ArgumentException
{
    public InvalidLabelsException()
    {
    }

    public InvalidLabelsException(string message)
        : base(message)
    {
    }

    public InvalidLabelsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
