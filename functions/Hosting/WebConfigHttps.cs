using System.Net.Security;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Server.Kestrel.Https;
using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// HTTPS from the web configuration's <c>tls_server_config</c>: each connection's TLS options come
/// from the configuration in force, so a renewed certificate or a changed client policy applies
/// to new connections without a restart (as upstream's <c>GetConfigForClient</c>).
/// </summary>
internal static class WebConfigHttps
{
    // Client authentication (id-kp-clientAuth): Go's default KeyUsages when it verifies clients.
    private const string ClientAuthenticationOid = "1.3.6.1.5.5.7.3.2";

    private static readonly TlsCipherSuite[] Tls13Suites =
    [
        TlsCipherSuite.TLS_AES_128_GCM_SHA256, TlsCipherSuite.TLS_AES_256_GCM_SHA384, TlsCipherSuite.TLS_CHACHA20_POLY1305_SHA256,
    ];

    // One set of options per loaded configuration, built on its first connection.
    private static readonly ConditionalWeakTable<TlsServerConfig, SslServerAuthenticationOptions> Options = [];

    /// <summary>Serves HTTPS on <paramref name="listen"/> when the configuration (as loaded at start) turns TLS on.</summary>
    public static void Apply(ListenOptions listen, WebConfigSource source, WebConfig initial)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(source);
        ArgumentNullException.ThrowIfNull(initial);
        if (initial.Tls is null)
        {
            return;
        }

        var http2 = initial.Http2;
        listen.Protocols = http2 ? HttpProtocols.Http1AndHttp2 : HttpProtocols.Http1;
        listen.UseHttps(new TlsHandshakeCallbackOptions
        {
            OnConnection = _ =>
            {
                // A reload that turned TLS off keeps the last certificate: TLS is decided at start.
                var tls = source.Current.Tls ?? initial.Tls;
                return ValueTask.FromResult(Options.GetValue(tls, t => Create(t, http2)));
            },
        });
    }

    /// <summary>The server side of a TLS handshake as the configuration asks.</summary>
    public static SslServerAuthenticationOptions Create(TlsServerConfig tls, bool http2)
    {
        ArgumentNullException.ThrowIfNull(tls);
        var options = new SslServerAuthenticationOptions
        {
            ServerCertificateContext = SslStreamCertificateContext.Create(tls.Certificate, tls.Intermediates, offline: true),
            EnabledSslProtocols = tls.EnabledProtocols,
            ClientCertificateRequired = tls.ClientAuth != ClientAuthType.NoClientCert,
            CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
            ApplicationProtocols = http2 ? [SslApplicationProtocol.Http2, SslApplicationProtocol.Http11] : [SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = (_, certificate, chain, _) => AcceptClient(tls, certificate, chain),
        };

        if (tls.CipherSuites.Count > 0 && !OperatingSystem.IsWindows())
        {
            // Upstream's list covers TLS 1.2 and below; TLS 1.3 keeps its own suites, as in Go.
            options.CipherSuitesPolicy = new CipherSuitesPolicy([.. tls.CipherSuites, .. Tls13Suites.Except(tls.CipherSuites)]);
        }

        return options;
    }

    /// <summary>Go's <c>tls.ClientAuthType</c> semantics, then <c>client_allowed_sans</c>.</summary>
    internal static bool AcceptClient(TlsServerConfig tls, X509Certificate? presented, X509Chain? presentedChain)
    {
        var certificate = presented as X509Certificate2 ?? (presented is null ? null : X509CertificateLoader.LoadCertificate(presented.GetRawCertData()));
        switch (tls.ClientAuth)
        {
            case ClientAuthType.NoClientCert or ClientAuthType.RequestClientCert:
                return true;
            case ClientAuthType.RequireAnyClientCert:
                return certificate is not null && HasAllowedSan(tls, certificate);
            case ClientAuthType.VerifyClientCertIfGiven when certificate is null:
                return true;
            default:
                return certificate is not null && ChainsToClientCAs(tls, certificate, presentedChain) && HasAllowedSan(tls, certificate);
        }
    }

    private static bool ChainsToClientCAs(TlsServerConfig tls, X509Certificate2 certificate, X509Chain? presentedChain)
    {
        using var chain = new X509Chain();
        chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
        chain.ChainPolicy.ApplicationPolicy.Add(new Oid(ClientAuthenticationOid));
        if (tls.ClientCAs.Count > 0)
        {
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(tls.ClientCAs);
        }

        // Intermediates the client sent.
        foreach (var element in presentedChain?.ChainElements ?? (IEnumerable<X509ChainElement>)[])
        {
            if (!element.Certificate.RawDataMemory.Span.SequenceEqual(certificate.RawDataMemory.Span))
            {
                chain.ChainPolicy.ExtraStore.Add(element.Certificate);
            }
        }

        return chain.Build(certificate);
    }

    private static bool HasAllowedSan(TlsServerConfig tls, X509Certificate2 certificate)
    {
        if (tls.ClientAllowedSans.Count == 0)
        {
            return true;
        }

        foreach (var extension in certificate.Extensions)
        {
            if (extension is X509SubjectAlternativeNameExtension san
                && (san.EnumerateDnsNames().Any(tls.ClientAllowedSans.Contains)
                    || san.EnumerateIPAddresses().Any(ip => tls.ClientAllowedSans.Contains(ip.ToString()))))
            {
                return true;
            }
        }

        // E-mail and URI names, which the SAN extension type does not enumerate, by their text form.
        var text = certificate.GetNameInfo(X509NameType.EmailName, forIssuer: false);
        var uri = certificate.GetNameInfo(X509NameType.UrlName, forIssuer: false);
        return tls.ClientAllowedSans.Contains(text) || tls.ClientAllowedSans.Contains(uri);
    }
}
