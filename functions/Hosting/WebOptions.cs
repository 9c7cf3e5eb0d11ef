namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Configuration section <c>Web</c>. <c>ListenAddress</c> is also set by Prometheus's flag
/// <c>--web.listen-address=host:port</c>, <c>ConfigFile</c> by <c>--web.config.file</c>. Both are
/// for the embedded server: the Functions host gives us a port and authenticates callers itself.
/// The two switches are Prometheus's safety defaults, off unless turned on, in both hosts.
/// </summary>
internal sealed class WebOptions
{
    public const string SectionName = "Web";

    public const string DefaultListenAddress = "localhost:9090";

    /// <summary><c>host:port</c>; an empty host (<c>:9090</c>) listens on every interface, as in Prometheus.</summary>
    public string ListenAddress { get; set; } = DefaultListenAddress;

    /// <summary>
    /// A web configuration file in Prometheus's format (TLS, basic-auth users with bcrypt hashes,
    /// response headers, a rate limit); empty for plain HTTP without authentication.
    /// </summary>
    public string ConfigFile { get; set; } = string.Empty;

    /// <summary>
    /// <c>POST|PUT /-/reload</c> and <c>/-/quit</c> (Prometheus's <c>--web.enable-lifecycle</c>);
    /// off, they answer 403, as upstream: anyone who can reach the port could otherwise stop the server.
    /// </summary>
    public bool EnableLifecycle { get; set; }

    /// <summary>
    /// The remote-write receiver at <c>/api/v1/write</c> (Prometheus's
    /// <c>--web.enable-remote-write-receiver</c>); off, it answers 404, as upstream.
    /// </summary>
    public bool EnableRemoteWriteReceiver { get; set; }

    /// <summary>
    /// The URL users reach the server at (Prometheus's <c>--web.external-url</c>), for alerts'
    /// <c>generatorURL</c> and templates' <c>externalURL</c>; empty for <c>http://&lt;host name&gt;:&lt;port&gt;/</c>
    /// of the listen address, as upstream.
    /// </summary>
    public string ExternalUrl { get; set; } = string.Empty;

    /// <summary>The external URL in force: <see cref="ExternalUrl"/>, else upstream's default from the listen address.</summary>
    public string ResolveExternalUrl()
    {
        if (ExternalUrl.Length > 0)
        {
            return ExternalUrl.TrimEnd('/');
        }

        var port = ListenAddress[(ListenAddress.LastIndexOf(':') + 1)..];
        return $"http://{System.Net.Dns.GetHostName()}:{port}";
    }
}
