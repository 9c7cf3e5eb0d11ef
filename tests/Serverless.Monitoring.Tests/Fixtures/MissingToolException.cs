namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A program the tests run as a real peer (Azurite, prometheus, promtool, ...) is not
/// installed. The message names the command that installs it.
/// </summary>
public sealed class MissingToolException : Exception
{
    public MissingToolException()
    {
    }

    public MissingToolException(string message)
        : base(message)
    {
    }

    public MissingToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
