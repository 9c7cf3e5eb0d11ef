using System.Security.Authentication;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Config;

/// <summary>The web configuration file (<c>--web.config.file</c>): what loads, and mistakes named by file, line and field.</summary>
public sealed class WebConfigTests : IDisposable
{
    // A valid hash (of "secret", cost 10, by libxcrypt) and a malformed one; neither may appear in a message.
    private const string Hash = "$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy";
    private const string LowCostHash = "$2y$03$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy";

    private readonly TempDirectory _directory = new("sm-webcfg-");
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public WebConfigTests()
    {
        _certificates.WriteTo(_directory.Path);
    }

    public static TheoryData<string, string, int, string, string> Mistakes() => new()
    {
        {
            "unknown top-level field",
            "basic_auth_user:\n  alice: x\n",
            1, "basic_auth_user", "field basic_auth_user not found in type web.Config"
        },
        {
            "unknown TLS field",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth: x\n",
            4, "tls_server_config.client_auth", "field client_auth not found in type web.TLSConfig"
        },
        {
            "unknown HTTP field",
            "http_server_config:\n  http3: true\n",
            2, "http_server_config.http3", "field http3 not found in type web.HTTPConfig"
        },
        {
            "bad bool",
            "http_server_config:\n  http2: sometimes\n",
            2, "http_server_config.http2", "cannot unmarshal !!str `sometimes` into bool"
        },
        {
            "not a bcrypt hash",
            "basic_auth_users:\n  alice: secret\n",
            2, "basic_auth_users.alice", "crypto/bcrypt: hashedSecret too short to be a bcrypted password"
        },
        {
            "bcrypt cost too low",
            $"basic_auth_users:\n  bob: {Hash}\n  alice: {LowCostHash}\n",
            3, "basic_auth_users.alice", "crypto/bcrypt: cost 3 is outside allowed inclusive range 4..31"
        },
        {
            "user set twice",
            $"basic_auth_users:\n  alice: {Hash}\n  alice: {Hash}\n",
            3, "basic_auth_users.alice", "field alice already set"
        },
        {
            "missing certificate file",
            "tls_server_config:\n  cert_file: missing.pem\n  key_file: server.key\n",
            2, "tls_server_config.cert_file", "failed to read cert_file ("
        },
        {
            "missing key file",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: nowhere/server.key\n",
            3, "tls_server_config.key_file", "failed to read key_file ("
        },
        {
            "certificate without key",
            "tls_server_config:\n  cert_file: server.pem\n",
            2, "tls_server_config", "missing one of key or key_file"
        },
        {
            "key of another certificate",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: client.key\n",
            3, "tls_server_config.key_file", "failed to load X509KeyPair"
        },
        {
            "a key where the certificate belongs",
            "tls_server_config:\n  cert_file: server.key\n  key_file: server.key\n",
            2, "tls_server_config.cert_file", "cert_file holds no PEM certificate"
        },
        {
            "unknown TLS version",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS14\n",
            4, "tls_server_config.min_version", "unknown TLS version: TLS14"
        },
        {
            "min above max",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS13\n  max_version: TLS12\n",
            4, "tls_server_config.min_version", "min_version TLS13 is above max_version TLS12"
        },
        {
            "unknown client auth type",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: Sometimes\n",
            4, "tls_server_config.client_auth_type", "invalid ClientAuth: Sometimes"
        },
        {
            "client CA without a policy",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_ca_file: ca.pem\n",
            4, "tls_server_config.client_ca_file", "client CA's have been configured without a Client Auth Policy"
        },
        {
            "unknown cipher",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  cipher_suites:\n    - TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256\n    - TLS_FAKE\n",
            6, "tls_server_config.cipher_suites[1]", "unknown cipher: TLS_FAKE"
        },
        {
            "unknown curve",
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  curve_preferences: [CurveP256, P-1]\n",
            4, "tls_server_config.curve_preferences[1]", "unknown curve: P-1"
        },
        {
            "header that cannot be set",
            "http_server_config:\n  headers:\n    X-Powered-By: us\n",
            3, "http_server_config.headers.X-Powered-By", "HTTP header \"X-Powered-By\" can not be configured"
        },
        {
            "header value not allowed",
            "http_server_config:\n  headers:\n    X-Frame-Options: allow\n",
            3, "http_server_config.headers.X-Frame-Options", "invalid value for X-Frame-Options. Expected one of: [\"deny\" \"sameorigin\"], but got: \"allow\""
        },
        {
            "rate limit without burst",
            "rate_limit:\n  interval: 1s\n",
            2, "rate_limit", "burst must be at least 1 when interval is set"
        },
    };

    [Theory]
    [MemberData(nameof(Mistakes))]
    public void A_mistake_names_file_line_and_field(string description, string yaml, int line, string field, string reason)
    {
        var path = Write(yaml);
        var error = Assert.Throws<ConfigException>(() => WebConfig.LoadFile(path));

        Assert.True(error.FileName == path, description);
        Assert.Equal(line, error.Line);
        Assert.Equal(field, error.Field);
        Assert.Contains(reason, error.Reason, StringComparison.Ordinal);
        Assert.StartsWith($"{path}:{line}:", error.Message, StringComparison.Ordinal);

        // No message repeats a hash or a key.
        Assert.DoesNotContain("3456789./ABCDEFGHIJKL", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("PRIVATE KEY", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("basic_auth_users: " + Hash + "\n")]
    [InlineData("basic_auth_users:\n  - " + Hash + "\n")]
    public void Users_in_the_wrong_shape_are_an_error_that_does_not_quote_them(string yaml)
    {
        var error = Assert.Throws<ConfigException>(() => WebConfig.LoadFile(Write(yaml)));
        Assert.Equal("basic_auth_users", error.Field);
        Assert.Contains("into map[string]config_util.Secret", error.Reason, StringComparison.Ordinal);
        Assert.DoesNotContain(Hash[7..], error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_empty_file_or_no_file_changes_nothing()
    {
        var config = WebConfig.LoadFile(Write(string.Empty));
        Assert.Null(config.Tls);
        Assert.Empty(config.BasicAuthUsers);
        Assert.Empty(config.Headers);
        Assert.True(config.Http2);
        Assert.Equal(TimeSpan.Zero, config.RateLimitInterval);
    }

    [Fact]
    public void Users_headers_and_rate_limit_load()
    {
        var config = WebConfig.LoadFile(Write(
            $"""
            basic_auth_users:
              alice: {Hash}
              "bob smith": '{Hash}'
            http_server_config:
              http2: false
              headers:
                X-Frame-Options: deny
                Content-Security-Policy: default-src 'self'
            rate_limit:
              interval: 100ms
              burst: 5
            """));

        Assert.Equal(["alice", "bob smith"], config.BasicAuthUsers.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Hash, config.BasicAuthUsers["alice"].Reveal());
        Assert.False(config.Http2);
        Assert.Equal([new("X-Frame-Options", "deny"), new("Content-Security-Policy", "default-src 'self'")], config.Headers);
        Assert.Equal(TimeSpan.FromMilliseconds(100), config.RateLimitInterval);
        Assert.Equal(5, config.RateLimitBurst);

        // Printing the config (in a log line, say) shows neither hashes nor user names.
        Assert.DoesNotContain(Hash, config.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain("alice", config.ToString(), StringComparison.Ordinal);
        Assert.Equal("<secret>", config.BasicAuthUsers["alice"].ToString());
    }

    [Fact]
    public void Tls_loads_the_certificate_with_relative_paths_and_upstream_defaults()
    {
        var path = Write("tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n");
        var config = WebConfig.LoadFile(path);

        var tls = Assert.IsType<TlsServerConfig>(config.Tls);
        Assert.Equal(_certificates.Server.Thumbprint, tls.Certificate.Thumbprint);
        Assert.True(tls.Certificate.HasPrivateKey);
        Assert.Equal(ClientAuthType.NoClientCert, tls.ClientAuth);
        Assert.Equal(SslProtocols.Tls12 | SslProtocols.Tls13, tls.EnabledProtocols);
        Assert.Equal([path, _directory.Combine("server.pem"), _directory.Combine("server.key")], config.SourceFiles);
    }

    [Fact]
    public void Client_certificates_load_with_their_CA_and_inline_PEM_works_too()
    {
        var serverPem = File.ReadAllText(_directory.Combine("server.pem"));
        var serverKey = File.ReadAllText(_directory.Combine("server.key"));
        var config = WebConfig.Load(
            $"""
            tls_server_config:
              cert: |
            {Indent(serverPem)}
              key: |
            {Indent(serverKey)}
              client_auth_type: RequireAndVerifyClientCert
              client_ca_file: ca.pem
              client_allowed_sans: [client.test]
              min_version: TLS13
              cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256]
            """,
            "web.yml",
            _directory.Path);

        var tls = Assert.IsType<TlsServerConfig>(config.Tls);
        Assert.Equal(_certificates.Server.Thumbprint, tls.Certificate.Thumbprint);
        Assert.Equal(ClientAuthType.RequireAndVerifyClientCert, tls.ClientAuth);
        Assert.Equal(_certificates.Ca.Thumbprint, Assert.Single(tls.ClientCAs).Thumbprint);
        Assert.Equal(["client.test"], tls.ClientAllowedSans);
        Assert.Equal(SslProtocols.Tls13, tls.EnabledProtocols);
        Assert.Equal([System.Net.Security.TlsCipherSuite.TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256], tls.CipherSuites);
    }

    [Fact]
    public void Tls_settings_without_certificate_key_or_client_policy_leave_TLS_off()
    {
        var config = WebConfig.LoadFile(Write("tls_server_config:\n  min_version: TLS13\n"));
        Assert.Null(config.Tls);
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _directory.Dispose();
    }

    private static string Indent(string text) =>
        string.Join('\n', text.TrimEnd().Split('\n').Select(line => "    " + line));

    private string Write(string yaml)
    {
        var path = _directory.Combine($"web-{Guid.NewGuid():N}.yml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
