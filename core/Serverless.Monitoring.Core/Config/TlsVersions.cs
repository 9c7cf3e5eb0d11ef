using System.Security.Authentication;

namespace Serverless.Monitoring.Core.Config;

#pragma warning disable CA5397 // Deprecated TLS versions: named here, enabled only on the operator's explicit request.

/// <summary>Upstream's TLS version names (<c>TLS10</c> … <c>TLS13</c>) as <see cref="SslProtocols"/>.</summary>
internal static class TlsVersions
{
    // TLS 1.0 and 1.1 by value (their enum members are obsolete). They are enabled only when a web
    // config asks for them, as upstream allows; the platform's crypto policy may still refuse them.
    private const SslProtocols Tls10 = (SslProtocols)0x00C0;
    private const SslProtocols Tls11 = (SslProtocols)0x0300;

    /// <summary>Oldest first; the enum's values grow with the version.</summary>
    public static readonly SslProtocols[] Ordered = [Tls10, Tls11, SslProtocols.Tls12, SslProtocols.Tls13];

    public static bool TryParse(string name, out SslProtocols version)
    {
        version = name switch
        {
            "TLS10" => Tls10,
            "TLS11" => Tls11,
            "TLS12" => SslProtocols.Tls12,
            "TLS13" => SslProtocols.Tls13,
            _ => SslProtocols.None,
        };
        return version != SslProtocols.None;
    }

    public static string Name(SslProtocols version) => version switch
    {
        Tls10 => "TLS10",
        Tls11 => "TLS11",
        SslProtocols.Tls12 => "TLS12",
        SslProtocols.Tls13 => "TLS13",
        _ => version.ToString(),
    };
}
