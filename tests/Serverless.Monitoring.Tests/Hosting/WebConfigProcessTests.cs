using System.Globalization;
using System.Net;
using System.Text.Json;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>
/// The real app with <c>--web.config.file</c>: HTTPS with a certificate made in the test, client
/// certificates, startup errors, and a real Prometheus scraping it over HTTPS with basic auth.
/// </summary>
public sealed class WebConfigProcessTests : IDisposable
{
    // "secret" under a hash written by libxcrypt (cost 10).
    private const string AliceHash = "$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy";

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly TempDirectory _directory = new("sm-webtls-");
    private readonly TestCertificates _certificates = TestCertificates.Create();

    public WebConfigProcessTests()
    {
        _certificates.WriteTo(_directory.Path);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task Serves_https_with_the_configured_certificate_to_clients_that_trust_it(bool http2)
    {
        var (app, baseUri) = await StartAsync($"tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\nhttp_server_config:\n  http2: {(http2 ? "true" : "false")}\n");
        using (app)
        {
            using var trusting = _certificates.CreateHttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(baseUri, "-/healthy"))
            {
                Version = HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionOrLower,
            };
            using var response = await trusting.SendAsync(request);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(http2 ? HttpVersion.Version20 : HttpVersion.Version11, response.Version);

            using var untrusting = _certificates.CreateHttpClient(trustCa: false);
            var error = await Assert.ThrowsAsync<HttpRequestException>(() => untrusting.GetAsync(new Uri(baseUri, "-/healthy")));
            Assert.IsType<System.Security.Authentication.AuthenticationException>(error.InnerException);
        }
    }

    [Fact]
    public async Task A_client_certificate_is_required_and_must_come_from_the_client_CA()
    {
        var (app, baseUri) = await StartAsync(
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n");
        using (app)
        {
            using var withClientCertificate = _certificates.CreateHttpClient(clientCertificate: _certificates.Client);
            Assert.Equal("Serverless.Monitoring Server is Healthy.\n", await withClientCertificate.GetStringAsync(new Uri(baseUri, "-/healthy")));

            using var withoutCertificate = _certificates.CreateHttpClient();
            await Assert.ThrowsAsync<HttpRequestException>(() => withoutCertificate.GetAsync(new Uri(baseUri, "-/healthy")));

            using var withStranger = _certificates.CreateHttpClient(clientCertificate: _certificates.Stranger);
            await Assert.ThrowsAsync<HttpRequestException>(() => withStranger.GetAsync(new Uri(baseUri, "-/healthy")));
        }
    }

    [Theory]
    [InlineData("tls_server_config:\n  cert_file: missing.pem\n  key_file: server.key\n", ":2:14: tls_server_config.cert_file: failed to read cert_file (")]
    [InlineData("basic_auth_users:\n  alice: $2y$10$tooshort\n", ":2:10: basic_auth_users.alice: crypto/bcrypt: hashedSecret too short")]
    [InlineData("tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n  client_auth: x\n", ":4:3: tls_server_config.client_auth: field client_auth not found in type web.TLSConfig")]
    public async Task A_bad_web_config_stops_the_host_with_one_message_naming_file_line_and_field(string yaml, string message)
    {
        var path = _directory.Combine("web.yml");
        await File.WriteAllTextAsync(path, yaml);
        using var app = HostProcessTests.StartHost(_directory, new(), "--web.listen-address=127.0.0.1:0", $"--web.config.file={path}");

        var exitCode = await app.WaitForExitAsync(StartTimeout);
        Assert.True(exitCode == 1, app.Describe($"exited with code {exitCode?.ToString(CultureInfo.InvariantCulture) ?? "(still running)"}"));
        Assert.Contains("could not start:", app.Output, StringComparison.Ordinal);
        Assert.Contains(path + message, app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", app.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("tooshort", app.Output, StringComparison.Ordinal);
    }

    /// <summary>
    /// Prometheus 2.42 scrapes our <c>/metrics</c> over HTTPS (trusting the test CA, presenting a
    /// client certificate) with basic auth: the job with the right password is up; the one with
    /// a wrong password sees 401; the one without a client certificate fails the handshake.
    /// </summary>
    [Fact]
    public async Task Prometheus_scrapes_us_over_https_with_a_client_certificate_and_basic_auth()
    {
        const string WrongPassword = "not-Alices-passw0rd";
        var (app, baseUri) = await StartAsync(
            "tls_server_config:\n  cert_file: server.pem\n  key_file: server.key\n" +
            "  client_auth_type: RequireAndVerifyClientCert\n  client_ca_file: ca.pem\n" +
            $"basic_auth_users:\n  alice: {AliceHash}\n");
        using (app)
        {
            var target = $"127.0.0.1:{baseUri.Port}";
            var options = new PrometheusOptions
            {
                ConfigYaml =
                    $$"""
                    global:
                      scrape_interval: 2s
                      scrape_timeout: 2s
                    scrape_configs:
                      - job_name: right
                        scheme: https
                        tls_config: { ca_file: ca.pem, cert_file: client.pem, key_file: client.key }
                        basic_auth: { username: alice, password: secret }
                        static_configs: [ { targets: ["{{target}}"] } ]
                      - job_name: wrong-password
                        scheme: https
                        tls_config: { ca_file: ca.pem, cert_file: client.pem, key_file: client.key }
                        basic_auth: { username: alice, password: {{WrongPassword}} }
                        static_configs: [ { targets: ["{{target}}"] } ]
                      - job_name: no-client-certificate
                        scheme: https
                        tls_config: { ca_file: ca.pem }
                        basic_auth: { username: alice, password: secret }
                        static_configs: [ { targets: ["{{target}}"] } ]
                    """,
            };
            foreach (var file in new[] { "ca.pem", "client.pem", "client.key" })
            {
                options.Files[file] = await File.ReadAllTextAsync(_directory.Combine(file));
            }

            await using var prometheus = await PrometheusFixture.StartAsync(options);

            using var http = LoopbackHttp.CreateClient();
            Dictionary<string, (string Health, string Error)> health = [];
            var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
            while (DateTime.UtcNow < deadline)
            {
                using var json = JsonDocument.Parse(await http.GetStringAsync(prometheus.GetUri("api/v1/targets")));
                health = json.RootElement.GetProperty("data").GetProperty("activeTargets").EnumerateArray().ToDictionary(
                    t => t.GetProperty("labels").GetProperty("job").GetString()!,
                    t => (t.GetProperty("health").GetString()!, t.GetProperty("lastError").GetString()!));
                // The first scrape of a cold server on a loaded machine may time out: wait for a good one.
                if (health.Count == 3 && health.Values.All(h => h.Health != "unknown") && health["right"].Health == "up")
                {
                    break;
                }

                await Task.Delay(250);
            }

            Assert.Equal(("up", string.Empty), health["right"]);
            Assert.Equal("down", health["wrong-password"].Health);
            Assert.Contains("401 Unauthorized", health["wrong-password"].Error, StringComparison.Ordinal);
            Assert.Equal("down", health["no-client-certificate"].Health);
            Assert.DoesNotContain("401", health["no-client-certificate"].Error, StringComparison.Ordinal);

            // Neither password reached our output.
            Assert.DoesNotContain(WrongPassword, app.Output, StringComparison.Ordinal);
            Assert.DoesNotContain("secret", app.Output, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        _certificates.Dispose();
        _directory.Dispose();
    }

    /// <summary>Writes <c>web.yml</c>, starts the app with it on a free loopback port, and waits until it accepts connections.</summary>
    private async Task<(ExternalProcess App, Uri BaseUri)> StartAsync(string webConfig)
    {
        await File.WriteAllTextAsync(_directory.Combine("web.yml"), webConfig);
        var port = FreePort.Get();
        var app = HostProcessTests.StartHost(_directory, new(), $"--web.listen-address=127.0.0.1:{port}", "--web.config.file=web.yml");
        try
        {
            await app.WaitForTcpAsync([port], StartTimeout);
        }
        catch
        {
            app.Dispose();
            throw;
        }

        return (app, new Uri($"https://127.0.0.1:{port}/"));
    }
}
