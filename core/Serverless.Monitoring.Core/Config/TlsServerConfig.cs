using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography.X509Certificates;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// <c>tls_server_config</c> of a web configuration file, loaded: the server certificate (with its
/// key and any intermediates that followed it in the PEM), the client-certificate policy and
/// the protocol limits. Present only when the file turns TLS on.
/// </summary>
public sealed record TlsServerConfig
{
    /// <summary>The server's certificate with its private key.</summary>
    public required X509Certificate2 Certificate { get; init; }

    /// <summary>Certificates after the first in the certificate PEM, sent as the chain.</summary>
    public X509Certificate2Collection Intermediates { get; init; } = [];

    public ClientAuthType ClientAuth { get; init; } = ClientAuthType.NoClientCert;

    /// <summary>The CAs that client certificates must chain to (<c>client_ca_file</c> or <c>client_ca</c>).</summary>
    public X509Certificate2Collection ClientCAs { get; init; } = [];

    /// <summary>When not empty, a client certificate must carry one of these SANs (DNS, IP, e-mail or URI).</summary>
    public IReadOnlyList<string> ClientAllowedSans { get; init; } = [];

    /// <summary>Lowest protocol accepted; TLS 1.2 by default, as upstream.</summary>
    public SslProtocols MinVersion { get; init; } = SslProtocols.Tls12;

    /// <summary>Highest protocol accepted; TLS 1.3 by default.</summary>
    public SslProtocols MaxVersion { get; init; } = SslProtocols.Tls13;

    /// <summary>Suites for TLS 1.2 and below in preference order; empty for the platform's defaults.</summary>
    public IReadOnlyList<TlsCipherSuite> CipherSuites { get; init; } = [];

    public bool PreferServerCipherSuites { get; init; } = true;

    /// <summary>Curve names as configured. Checked, but .NET offers no way to apply them; the platform chooses.</summary>
    public IReadOnlyList<string> CurvePreferences { get; init; } = [];

    /// <summary>The protocols from <see cref="MinVersion"/> to <see cref="MaxVersion"/>.</summary>
    public SslProtocols EnabledProtocols
    {
        get
        {
            var enabled = SslProtocols.None;
            foreach (var version in TlsVersions.Ordered)
            {
                if (version >= MinVersion && version <= MaxVersion)
                {
                    enabled |= version;
                }
            }

            return enabled;
        }
    }
}
