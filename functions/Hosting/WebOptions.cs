namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Configuration section <c>Web</c>. <c>ListenAddress</c> is also set by Prometheus's flag
/// <c>--web.listen-address=host:port</c>. Ignored when the Functions host gives us a port.
/// </summary>
internal sealed class WebOptions
{
    public const string SectionName = "Web";

    public const string DefaultListenAddress = "localhost:9090";

    /// <summary><c>host:port</c>; an empty host (<c>:9090</c>) listens on every interface, as in Prometheus.</summary>
    public string ListenAddress { get; set; } = DefaultListenAddress;
}
