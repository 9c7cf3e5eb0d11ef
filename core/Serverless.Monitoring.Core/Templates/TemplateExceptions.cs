namespace Serverless.Monitoring.Core.Templates;

/// <summary>
/// A template that does not parse. <see cref="Exception.Message"/> is Go's text, in Go's shape
/// <c>template: NAME:LINE: MESSAGE</c>, e.g. <c>template: x:1: function "humanise" not defined</c>.
/// </summary>
public sealed class TemplateParseException : Exception
{
    public TemplateParseException()
    {
    }

    public TemplateParseException(string message)
        : base(message)
    {
    }

    public TemplateParseException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// A template that fails while it runs. <see cref="Exception.Message"/> is Go's text, e.g.
/// <c>template: x:1:5: executing "x" at &lt;humanize "a"&gt;: error calling humanize: …</c>.
/// </summary>
public sealed class TemplateExecutionException : Exception
{
    public TemplateExecutionException()
    {
    }

    public TemplateExecutionException(string message)
        : base(message)
    {
    }

    public TemplateExecutionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
