namespace Serverless.Monitoring.Core.Config;

/// <summary><c>tls_config</c>: CA, client certificate and key (inline or as files), server name, verification.</summary>
public sealed record TlsConfig
{
    public static TlsConfig Default { get; } = new();

    public string Ca { get; init; } = string.Empty;

    public string CaFile { get; init; } = string.Empty;

    public string Cert { get; init; } = string.Empty;

    public string CertFile { get; init; } = string.Empty;

    public Secret Key { get; init; }

    public string KeyFile { get; init; } = string.Empty;

    public string ServerName { get; init; } = string.Empty;

    public bool InsecureSkipVerify { get; init; }

    /// <summary><c>TLS10</c> … <c>TLS13</c>, or empty for the default.</summary>
    public string MinVersion { get; init; } = string.Empty;

    public string MaxVersion { get; init; } = string.Empty;
}
