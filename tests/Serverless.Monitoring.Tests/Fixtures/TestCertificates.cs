using System.Net;
using System.Net.Security;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace Serverless.Monitoring.Tests.Fixtures;

/// <summary>
/// A throwaway PKI made in the test: a CA, a server certificate for 127.0.0.1 and localhost, a
/// client certificate from the same CA, and a self-signed client certificate the CA does not
/// know. <see cref="WriteTo"/> writes them as PEM files (<c>ca.pem</c>, <c>server.pem</c>,
/// <c>server.key</c>, <c>client.pem</c>, <c>client.key</c>, <c>stranger.pem</c>, <c>stranger.key</c>).
/// </summary>
public sealed class TestCertificates : IDisposable
{
    private const string ServerAuthentication = "1.3.6.1.5.5.7.3.1";
    private const string ClientAuthentication = "1.3.6.1.5.5.7.3.2";

    private TestCertificates(X509Certificate2 ca, X509Certificate2 server, X509Certificate2 client, X509Certificate2 stranger)
    {
        Ca = ca;
        Server = server;
        Client = client;
        Stranger = stranger;
    }

    public X509Certificate2 Ca { get; }

    public X509Certificate2 Server { get; }

    public X509Certificate2 Client { get; }

    /// <summary>Self-signed, not from <see cref="Ca"/>.</summary>
    public X509Certificate2 Stranger { get; }

    public static TestCertificates Create()
    {
        var now = DateTimeOffset.UtcNow;
        using var caKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var caRequest = new CertificateRequest("CN=Serverless.Monitoring test CA", caKey, HashAlgorithmName.SHA256);
        caRequest.CertificateExtensions.Add(new X509BasicConstraintsExtension(true, false, 0, true));
        caRequest.CertificateExtensions.Add(new X509KeyUsageExtension(X509KeyUsageFlags.KeyCertSign | X509KeyUsageFlags.CrlSign, true));
        var ca = caRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));

        var server = Issue(ca, "CN=127.0.0.1", ServerAuthentication, now, san =>
        {
            san.AddIpAddress(IPAddress.Loopback);
            san.AddDnsName("localhost");
        });
        var client = Issue(ca, "CN=test-client", ClientAuthentication, now, san => san.AddDnsName("client.test"));

        using var strangerKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var strangerRequest = new CertificateRequest("CN=stranger", strangerKey, HashAlgorithmName.SHA256);
        strangerRequest.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(ClientAuthentication)], false));
        var stranger = strangerRequest.CreateSelfSigned(now.AddMinutes(-5), now.AddDays(1));
        return new TestCertificates(ca, server, client, stranger);
    }

    /// <summary>Writes the PEM files into <paramref name="directory"/>.</summary>
    public void WriteTo(string directory)
    {
        File.WriteAllText(Path.Combine(directory, "ca.pem"), Ca.ExportCertificatePem());
        foreach (var (name, certificate) in new[] { ("server", Server), ("client", Client), ("stranger", Stranger) })
        {
            File.WriteAllText(Path.Combine(directory, name + ".pem"), certificate.ExportCertificatePem());
            File.WriteAllText(Path.Combine(directory, name + ".key"), certificate.GetECDsaPrivateKey()!.ExportPkcs8PrivateKeyPem());
        }
    }

    /// <summary>
    /// A client for <c>https://127.0.0.1</c> that trusts only <see cref="Ca"/> (or, when
    /// <paramref name="trustCa"/> is false, only the system's roots), presenting <paramref name="clientCertificate"/>.
    /// </summary>
    public HttpClient CreateHttpClient(bool trustCa = true, X509Certificate2? clientCertificate = null)
    {
        var handler = new SocketsHttpHandler
        {
            UseProxy = false,
            SslOptions = new SslClientAuthenticationOptions
            {
                CertificateRevocationCheckMode = X509RevocationMode.NoCheck,
                ClientCertificates = clientCertificate is null ? null : new X509CertificateCollection { clientCertificate },
            },
        };
        if (trustCa)
        {
            handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
            {
                if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
                {
                    return false;
                }

                using var chain = new X509Chain();
                chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
                chain.ChainPolicy.CustomTrustStore.Add(Ca);
                chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
                return chain.Build(X509CertificateLoader.LoadCertificate(certificate.GetRawCertData()));
            };
        }

        return new HttpClient(handler) { Timeout = TimeSpan.FromSeconds(10) };
    }

    public void Dispose()
    {
        Ca.Dispose();
        Server.Dispose();
        Client.Dispose();
        Stranger.Dispose();
    }

    private static X509Certificate2 Issue(X509Certificate2 ca, string subject, string usage, DateTimeOffset now, Action<SubjectAlternativeNameBuilder> names)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest(subject, key, HashAlgorithmName.SHA256);
        request.CertificateExtensions.Add(new X509BasicConstraintsExtension(false, false, 0, false));
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid(usage)], false));
        var san = new SubjectAlternativeNameBuilder();
        names(san);
        request.CertificateExtensions.Add(san.Build());
        using var issued = request.Create(ca, now.AddMinutes(-5), now.AddDays(1), RandomNumberGenerator.GetBytes(16));
        return issued.CopyWithPrivateKey(key);
    }
}
