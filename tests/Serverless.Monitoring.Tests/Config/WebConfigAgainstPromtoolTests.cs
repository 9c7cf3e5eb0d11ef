using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Config;

/// <summary>
/// Web config files we accept, upstream accepts, and those we reject it rejects
/// (<c>promtool check web-config</c>, Prometheus 2.42's exporter-toolkit), for the same reason
/// where 2.42 words it as today's toolkit does. Left out: fields newer than 2.42 (rate_limit,
/// client_allowed_sans, inline certificates), and hashes of the wrong length, which 2.42 accepts
/// though no password can ever match them.
/// </summary>
public sealed class WebConfigAgainstPromtoolTests : IDisposable
{
    private const string Hash = "$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy";

    private readonly TempDirectory _directory = new("sm-webcfg-promtool-");
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public WebConfigAgainstPromtoolTests()
    {
        _certificates.WriteTo(_directory.Path);
    }

    public static TheoryData<string, string?> Files() => new()
    {
        // Accepted (no reason).
        { "", null },
        { $"basic_auth_users:\n  alice: {Hash}\n  bob: {Hash}\n", null },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n", null },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n  min_version: TLS13\n", null },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  cipher_suites: [TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384]\n  curve_preferences: [X25519]\n", null },
        { "tls_server_config:\n  min_version: TLS13\n", null },
        { "http_server_config:\n  http2: false\n  headers:\n    X-Frame-Options: sameorigin\n    Strict-Transport-Security: max-age=31536000\n", null },

        // Rejected.
        { "basic_auth_users:\n  alice: secret\n", "crypto/bcrypt: hashedSecret too short to be a bcrypted password" },
        { "basic_auth_users:\n  alice: " + Hash.Replace("$10$", "$03$", StringComparison.Ordinal) + "\n", "crypto/bcrypt: cost 3 is outside allowed" },
        { "basic_auth_user:\n  alice: x\n", "field basic_auth_user not found in type web.Config" },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth: x\n", "field client_auth not found in type web.TLSConfig" },
        { "tls_server_config:\n  cert_file: missing.pem\n  key_file: server.key\n", null },
        { "tls_server_config:\n  cert_file: server.pem\n", null },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: client.key\n", "failed to load X509KeyPair" },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  min_version: TLS14\n", "unknown TLS version: TLS14" },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: Sometimes\n", "invalid ClientAuth: Sometimes" },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  cipher_suites: [TLS_FAKE]\n", "unknown cipher: TLS_FAKE" },
        { "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  curve_preferences: [P-1]\n", "unknown curve: P-1" },
        { "http_server_config:\n  headers:\n    X-Powered-By: us\n", "HTTP header \"X-Powered-By\" can not be configured" },
        { "http_server_config:\n  headers:\n    X-Content-Type-Options: sniff\n", "invalid value for X-Content-Type-Options." },
    };

    [Theory]
    [MemberData(nameof(Files))]
    public async Task Promtool_agrees(string yaml, string? reason)
    {
        var path = _directory.Combine($"web-{Guid.NewGuid():N}.yml");
        await File.WriteAllTextAsync(path, yaml);
        var upstream = await Promtool.RunAsync(["check", "web-config", path]);
        var upstreamText = upstream.StandardOutput + upstream.StandardError;
        ConfigException? ours = null;
        try
        {
            WebConfig.LoadFile(path);
        }
        catch (ConfigException ex)
        {
            ours = ex;
        }

        Assert.True(upstream.Succeeded == (ours is null), $"promtool: {upstreamText}\nours: {ours?.Message ?? "accepted"}");
        if (reason is not null)
        {
            Assert.Contains(reason, ours!.Reason, StringComparison.Ordinal);
            Assert.Contains(reason, upstreamText, StringComparison.OrdinalIgnoreCase);
        }
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _directory.Dispose();
    }
}
