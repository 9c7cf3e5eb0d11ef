using System.Net.Security;
using System.Security.Authentication;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Serverless.Monitoring.Core.Hashing;
using YamlDotNet.RepresentationModel;

namespace Serverless.Monitoring.Core.Config;

/// <summary>
/// Decodes a web configuration file as exporter-toolkit's <c>getConfig</c> and
/// <c>ConfigToTLSConfig</c> do: strict YAML, upstream's type names and messages, certificates
/// and keys read and checked now (so that a bad file stops the server at start), bcrypt hashes
/// checked. No message quotes a password hash or a key.
/// </summary>
internal sealed class WebConfigParser
{
    // Go's tls.CipherSuites() names (IANA names, which are also TlsCipherSuite's member names).
    private static readonly HashSet<string> GoCipherSuites = new(StringComparer.Ordinal)
    {
        "TLS_RSA_WITH_AES_128_CBC_SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "TLS_RSA_WITH_AES_128_GCM_SHA256",
        "TLS_RSA_WITH_AES_256_GCM_SHA384", "TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256",
        "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
        "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA", "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256", "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
        "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256", "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
    };

    private static readonly HashSet<string> Curves = new(StringComparer.Ordinal) { "CurveP256", "CurveP384", "CurveP521", "X25519" };

    // Upstream's extraHTTPHeaders: the only headers the file may set, and their allowed values (empty: any).
    private static readonly Dictionary<string, string[]> ExtraHeaders = new(StringComparer.Ordinal)
    {
        ["Strict-Transport-Security"] = [],
        ["X-Content-Type-Options"] = ["nosniff"],
        ["X-Frame-Options"] = ["deny", "sameorigin"],
        ["X-XSS-Protection"] = [],
        ["Content-Security-Policy"] = [],
    };

    private readonly string _fileName;
    private readonly ConfigParser _yaml;
    private readonly List<string> _files = [];

    public WebConfigParser(string fileName, string directory)
    {
        _fileName = fileName;
        _yaml = new ConfigParser(fileName, directory, _ => null);
    }

    public WebConfig Parse(string yaml)
    {
        var root = _yaml.LoadDocument(yaml);
        var config = new WebConfig { FileName = _fileName };
        ConfigNode tls = default;
        root.Fields("web.Config", (key, v) =>
        {
            switch (key)
            {
                case "tls_server_config": tls = v; return true;
                case "http_server_config": config = ParseHttp(v, config); return true;
                case "basic_auth_users": config = config with { BasicAuthUsers = ParseUsers(v) }; return true;
                case "rate_limit": config = ParseRateLimit(v, config); return true;
                default: return false;
            }
        });

        if (tls.Node is not null)
        {
            config = config with { Tls = ParseTls(tls) };
        }

        return config with { SourceFiles = [.. _files] };
    }

    private static WebConfig ParseHttp(ConfigNode node, WebConfig config)
    {
        node.Fields("web.HTTPConfig", (key, v) =>
        {
            switch (key)
            {
                case "http2": config = config with { Http2 = v.Bool() }; return true;
                case "headers": config = config with { Headers = ParseHeaders(v) }; return true;
                default: return false;
            }
        });
        return config;
    }

    private static List<KeyValuePair<string, string>> ParseHeaders(ConfigNode node)
    {
        var headers = new List<KeyValuePair<string, string>>();
        foreach (var (name, keyNode, value) in node.Entries("map[string]string"))
        {
            if (!ExtraHeaders.TryGetValue(name, out var allowed))
            {
                throw keyNode.Error($"HTTP header \"{name}\" can not be configured");
            }

            var text = value.String();
            if (allowed.Length > 0 && !allowed.Contains(text, StringComparer.Ordinal))
            {
                var expected = string.Join(' ', allowed.Select(a => $"\"{a}\""));
                throw value.Error($"invalid value for {name}. Expected one of: [{expected}], but got: \"{text}\"");
            }

            headers.Add(new(name, text));
        }

        return headers;
    }

    private static Dictionary<string, Secret> ParseUsers(ConfigNode node)
    {
        const string GoType = "map[string]config_util.Secret";
        if (!node.IsNull && node.Node is not YamlMappingNode)
        {
            // Not Kind(): it would quote a scalar, and this one may be a hash.
            throw node.Error($"cannot unmarshal {(node.Node is YamlSequenceNode ? "!!seq" : "!!str")} into {GoType}");
        }

        var users = new Dictionary<string, Secret>(StringComparer.Ordinal);
        foreach (var (user, _, value) in node.Entries(GoType))
        {
            var hash = value.String();
            if (!Bcrypt.IsValidHash(hash, out var reason))
            {
                throw value.Error(reason);
            }

            users[user] = new Secret(hash);
        }

        return users;
    }

    private static WebConfig ParseRateLimit(ConfigNode node, WebConfig config)
    {
        ConfigNode burst = node;
        node.Fields("web.RateLimiterConfig", (key, v) =>
        {
            switch (key)
            {
                case "interval": config = config with { RateLimitInterval = v.Duration() }; return true;
                case "burst": burst = v; config = config with { RateLimitBurst = v.Int32() }; return true;
                default: return false;
            }
        });

        // Go's limiter would refuse every request; say so instead.
        if (config.RateLimitInterval > TimeSpan.Zero && config.RateLimitBurst < 1)
        {
            throw burst.Error("burst must be at least 1 when interval is set (with 0 no request would be served)");
        }

        return config;
    }

    private TlsServerConfig? ParseTls(ConfigNode node)
    {
        ConfigNode cert = default, key = default, clientCa = default, certFile = default, keyFile = default, clientCaFile = default;
        ConfigNode clientAuthNode = default, minNode = default;
        var clientAuth = string.Empty;
        var minVersion = SslProtocols.Tls12;
        var maxVersion = SslProtocols.Tls13;
        IReadOnlyList<TlsCipherSuite> cipherSuites = [];
        IReadOnlyList<string> curves = [];
        IReadOnlyList<string> allowedSans = [];
        var preferServer = true;
        node.Fields("web.TLSConfig", (name, v) =>
        {
            switch (name)
            {
                case "cert": cert = v; return true;
                case "key": key = v; return true;
                case "client_ca": clientCa = v; return true;
                case "cert_file": certFile = v; return true;
                case "key_file": keyFile = v; return true;
                case "client_ca_file": clientCaFile = v; return true;
                case "client_auth_type": clientAuthNode = v; clientAuth = v.String(); return true;
                case "client_allowed_sans": allowedSans = v.StringList(); return true;
                case "min_version": minNode = v; minVersion = Version(v); return true;
                case "max_version": maxVersion = Version(v); return true;
                case "cipher_suites": cipherSuites = v.List("[]web.Cipher", CipherSuite); return true;
                case "prefer_server_cipher_suites": preferServer = v.Bool(); return true;
                case "curve_preferences": curves = v.List("[]web.Curve", Curve); return true;
                default: return false;
            }
        });

        static bool Set(ConfigNode n) => n.Node is not null && n.String().Length > 0;

        // Upstream's IsEnabled: any certificate, key, client CA or client policy turns TLS on.
        if (!Set(cert) && !Set(key) && !Set(certFile) && !Set(keyFile) && !Set(clientCa) && !Set(clientCaFile) && clientAuth.Length == 0)
        {
            return null;
        }

        foreach (var (inline, file, field) in new[] { (cert, certFile, "cert"), (key, keyFile, "key"), (clientCa, clientCaFile, "client_ca") })
        {
            if (Set(inline) && Set(file))
            {
                throw file.Error($"at most one of {field} and {field}_file must be configured");
            }
        }

        if (!Set(cert) && !Set(certFile))
        {
            throw node.Error("missing one of cert or cert_file");
        }

        if (!Set(key) && !Set(keyFile))
        {
            throw node.Error("missing one of key or key_file");
        }

        var (certPem, certNode) = Set(certFile) ? (ReadFile(certFile, "cert_file"), certFile) : (cert.String(), cert);
        var (keyPem, keyNode) = Set(keyFile) ? (ReadFile(keyFile, "key_file"), keyFile) : (key.String(), key);
        var (certificate, intermediates) = LoadKeyPair(certPem, certNode, keyPem, keyNode);

        var clientCAs = new X509Certificate2Collection();
        if (Set(clientCa) || Set(clientCaFile))
        {
            var (caPem, caNode, field) = Set(clientCaFile) ? (ReadFile(clientCaFile, "client_ca_file"), clientCaFile, "client_ca_file") : (clientCa.String(), clientCa, "client_ca");
            clientCAs = LoadCertificates(caPem, caNode, field);
        }

        var policy = clientAuth switch
        {
            "" or "NoClientCert" => ClientAuthType.NoClientCert,
            "RequestClientCert" => ClientAuthType.RequestClientCert,
            "RequireAnyClientCert" or "RequireClientCert" => ClientAuthType.RequireAnyClientCert,
            "VerifyClientCertIfGiven" => ClientAuthType.VerifyClientCertIfGiven,
            "RequireAndVerifyClientCert" => ClientAuthType.RequireAndVerifyClientCert,
            _ => throw clientAuthNode.Error("invalid ClientAuth: " + clientAuth),
        };

        if (clientCAs.Count > 0 && policy == ClientAuthType.NoClientCert)
        {
            throw (Set(clientCaFile) ? clientCaFile : clientCa).Error("client CA's have been configured without a Client Auth Policy");
        }

        if (minVersion > maxVersion)
        {
            throw minNode.Error($"min_version {TlsVersions.Name(minVersion)} is above max_version {TlsVersions.Name(maxVersion)}");
        }

        return new TlsServerConfig
        {
            Certificate = certificate,
            Intermediates = intermediates,
            ClientAuth = policy,
            ClientCAs = clientCAs,
            ClientAllowedSans = allowedSans,
            MinVersion = minVersion,
            MaxVersion = maxVersion,
            CipherSuites = cipherSuites,
            PreferServerCipherSuites = preferServer,
            CurvePreferences = curves,
        };
    }

    private string ReadFile(ConfigNode node, string field)
    {
        var path = _yaml.ResolvePath(node.String());
        try
        {
            var text = File.ReadAllText(path);
            _files.Add(path);
            return text;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            throw node.Error($"failed to read {field} ({path}): {ex.Message}");
        }
    }

    private static (X509Certificate2 Certificate, X509Certificate2Collection Intermediates) LoadKeyPair(
        string certPem, ConfigNode certNode, string keyPem, ConfigNode keyNode)
    {
        var chain = LoadCertificates(certPem, certNode, certNode.Path.EndsWith("_file", StringComparison.Ordinal) ? "cert_file" : "cert");
        X509Certificate2 certificate;
        try
        {
            certificate = X509Certificate2.CreateFromPem(certPem, keyPem);

            // SslStream on Windows needs a persisted key; elsewhere the ephemeral one serves.
            if (OperatingSystem.IsWindows())
            {
                using var ephemeral = certificate;
                certificate = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
            }
        }
        catch (Exception ex) when (ex is CryptographicException or ArgumentException)
        {
            // The exception never quotes the key.
            throw keyNode.Error($"failed to load X509KeyPair: {ex.Message}");
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < chain.Count; i++)
        {
            intermediates.Add(chain[i]);
        }

        return (certificate, intermediates);
    }

    private static X509Certificate2Collection LoadCertificates(string pem, ConfigNode node, string field)
    {
        var certificates = new X509Certificate2Collection();
        try
        {
            certificates.ImportFromPem(pem);
        }
        catch (CryptographicException ex)
        {
            throw node.Error($"{field} holds a PEM certificate that cannot be read: {ex.Message}");
        }

        return certificates.Count > 0 ? certificates : throw node.Error($"{field} holds no PEM certificate");
    }

    private static SslProtocols Version(ConfigNode v)
    {
        var s = v.String();
        return TlsVersions.TryParse(s, out var version) ? version : throw v.Error($"unknown TLS version: {s}");
    }

    private static TlsCipherSuite CipherSuite(ConfigNode v)
    {
        var s = v.String();
        return GoCipherSuites.Contains(s) && Enum.TryParse<TlsCipherSuite>(s, out var suite) ? suite : throw v.Error($"unknown cipher: {s}");
    }

    private static string Curve(ConfigNode v)
    {
        var s = v.String();
        return Curves.Contains(s) ? s : throw v.Error($"unknown curve: {s}");
    }
}
