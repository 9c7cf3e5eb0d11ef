namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// The HTTP client settings inlined in scrape, service discovery, Alertmanager and remote write
/// configs. The old <c>bearer_token</c> / <c>bearer_token_file</c> fields become an
/// <see cref="Authorization"/> of type Bearer, as upstream does.
/// </summary>
public sealed record HttpClientConfig
{
    public static HttpClientConfig Default { get; } = new();

    public BasicAuth? BasicAuth { get; init; }

    public AuthorizationConfig? Authorization { get; init; }

    public TlsConfig Tls { get; init; } = TlsConfig.Default;

    public bool FollowRedirects { get; init; } = true;

    public bool EnableHttp2 { get; init; } = true;
}
