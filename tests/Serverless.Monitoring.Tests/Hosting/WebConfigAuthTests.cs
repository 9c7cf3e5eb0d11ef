using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Hashing;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>The web config's basic auth, headers and rate limit, on the app in memory.</summary>
public sealed class WebConfigAuthTests : IDisposable
{
    // alice's password "secret" under a hash written by libxcrypt (cost 10).
    private const string AliceHash = "$2y$10$3456789./ABCDEFGHIJKLu7.fcwg6xL38Tm72M4FPtyeEDpODtUfy";
    private const string BobPassword = "b0b's pässword: with a colon";

    private readonly TempDirectory _directory = new("sm-webauth-");
    private readonly CapturingLoggerProvider _logs = new();
    private readonly string _bobHash = Bcrypt.Hash(Encoding.UTF8.GetBytes(BobPassword), 4);

    public static TheoryData<string, string?, HttpStatusCode> Requests() => new()
    {
        { "/-/healthy", null, HttpStatusCode.Unauthorized },
        { "/-/healthy", Basic("alice", "wrong"), HttpStatusCode.Unauthorized },
        { "/-/healthy", Basic("alice", "secret"), HttpStatusCode.OK },
        { "/-/healthy", Basic("mallory", "secret"), HttpStatusCode.Unauthorized },
        { "/-/healthy", Basic("alice", ""), HttpStatusCode.Unauthorized },
        { "/-/healthy", "Basic " + Convert.ToBase64String("alice"u8), HttpStatusCode.Unauthorized },
        { "/-/healthy", "Basic not*base64", HttpStatusCode.Unauthorized },
        { "/-/healthy", "Bearer secret", HttpStatusCode.Unauthorized },
        { "/-/healthy", "basic " + Convert.ToBase64String("alice:secret"u8), HttpStatusCode.OK },
        { "/metrics", Basic("bob", BobPassword), HttpStatusCode.OK },
        { "/metrics", Basic("bob", "secret"), HttpStatusCode.Unauthorized },
        { "/api/v1/status/buildinfo", Basic("alice", "secret"), HttpStatusCode.OK },
        { "/api/v1/status/buildinfo", Basic("Alice", "secret"), HttpStatusCode.Unauthorized },
        { "/no/such/path", null, HttpStatusCode.Unauthorized },
        { "/no/such/path", Basic("alice", "secret"), HttpStatusCode.NotFound },
    };

    [Theory]
    [MemberData(nameof(Requests))]
    public async Task Every_path_needs_a_valid_user(string path, string? authorization, HttpStatusCode expected)
    {
        using var factory = CreateApp(Users());
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);

        Assert.Equal(expected, response.StatusCode);
        if (expected == HttpStatusCode.Unauthorized)
        {
            Assert.Equal("Basic", response.Headers.WwwAuthenticate.ToString());
            Assert.Equal("Unauthorized\n", await response.Content.ReadAsStringAsync());
        }
    }

    [Fact]
    public async Task Without_users_nothing_is_asked()
    {
        using var factory = CreateApp("http_server_config:\n  http2: true\n");
        using var client = factory.CreateClient();
        using var response = await client.GetAsync(new Uri("/-/healthy", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Verified_credentials_are_cached_and_wrong_ones_still_fail()
    {
        using var factory = CreateApp(Users());
        using var client = factory.CreateClient();
        var verifier = factory.Services.GetRequiredService<BasicAuthVerifier>();

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, await GetAsync(client, Basic("alice", "secret")));
        }

        Assert.Equal(1, verifier.Computations);
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, Basic("alice", "secret2")));
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, Basic("alice", "secret2")));
        Assert.Equal(2, verifier.Computations);

        // An unknown user costs a bcrypt check too, so that timing does not reveal who exists.
        Assert.Equal(HttpStatusCode.Unauthorized, await GetAsync(client, Basic("nobody", "secret")));
        Assert.Equal(3, verifier.Computations);
    }

    [Fact]
    public async Task Configured_headers_are_on_every_response()
    {
        using var factory = CreateApp(Users() + "http_server_config:\n  headers:\n    X-Frame-Options: deny\n    Content-Security-Policy: default-src 'self'\n");
        using var client = factory.CreateClient();
        foreach (var authorization in new[] { null, Basic("alice", "secret") })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, "/-/healthy");
            request.Headers.Authorization = authorization is null ? null : AuthenticationHeaderValue.Parse(authorization);
            using var response = await client.SendAsync(request);
            Assert.Equal("deny", Assert.Single(response.Headers.GetValues("X-Frame-Options")));
            Assert.Equal("default-src 'self'", Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        }
    }

    [Fact]
    public async Task The_rate_limit_answers_429_beyond_the_burst()
    {
        using var factory = CreateApp("rate_limit:\n  interval: 1h\n  burst: 2\n");
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, null));
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, null));
        Assert.Equal(HttpStatusCode.TooManyRequests, await GetAsync(client, null));
    }

    [Fact]
    public async Task A_changed_file_applies_within_seconds_and_a_broken_change_keeps_the_old_one()
    {
        using var factory = CreateApp(Users());
        using var client = factory.CreateClient();
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, Basic("alice", "secret")));

        // Only bob from now on.
        await File.WriteAllTextAsync(ConfigPath, $"basic_auth_users:\n  bob: {_bobHash}\n");
        await WaitUntilAsync(async () => await GetAsync(client, Basic("alice", "secret")) == HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, Basic("bob", BobPassword)));

        // A broken file is logged; bob stays in.
        await File.WriteAllTextAsync(ConfigPath, $"basic_auth_users:\n  bob: {_bobHash}\n  eve: {_bobHash[..20]}\n");
        await WaitUntilAsync(async () =>
        {
            // The file is looked at when requests come.
            Assert.Equal(HttpStatusCode.OK, await GetAsync(client, Basic("bob", BobPassword)));
            return _logs.Text.Contains("not reloaded", StringComparison.Ordinal);
        });
        Assert.Equal(HttpStatusCode.OK, await GetAsync(client, Basic("bob", BobPassword)));
        Assert.Contains("basic_auth_users.eve: crypto/bcrypt: hashedSecret too short", _logs.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Passwords_hashes_and_credentials_never_reach_the_logs()
    {
        using var factory = CreateApp(Users());
        using var client = factory.CreateClient();
        await GetAsync(client, Basic("alice", "secret"));
        await GetAsync(client, Basic("alice", "n0t-the-Passw0rd"));
        await GetAsync(client, Basic("bob", BobPassword));
        await GetAsync(client, Basic("mallory", "m4llory-Guess"));

        var logs = _logs.Text;
        Assert.Contains("basic-auth user", logs, StringComparison.Ordinal); // the capture works
        foreach (var secret in new[] { "n0t-the-Passw0rd", BobPassword, "m4llory-Guess", AliceHash[7..], _bobHash[7..], Basic("alice", "secret")[6..] })
        {
            Assert.DoesNotContain(secret, logs, StringComparison.Ordinal);
        }
    }

    public void Dispose()
    {
        _logs.Dispose();
        _directory.Dispose();
    }

    private static string Basic(string user, string password) =>
        "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));

    private static async Task<HttpStatusCode> GetAsync(HttpClient client, string? authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/-/healthy");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.SendAsync(request);
        return response.StatusCode;
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, "the change did not apply within 10 s");
            await Task.Delay(200);
        }
    }

    private string ConfigPath => _directory.Combine("web.yml");

    private string Users() => $"basic_auth_users:\n  alice: {AliceHash}\n  bob: '{_bobHash}'\n";

    private WebApplicationFactory<Program> CreateApp(string webConfig)
    {
        File.WriteAllText(ConfigPath, webConfig);
        var factory = new MonitoringAppFactory
        {
            Settings = new Dictionary<string, string?> { ["Web:ConfigFile"] = ConfigPath },
        };
        return factory.WithWebHostBuilder(builder => builder.ConfigureLogging(logging =>
        {
            logging.SetMinimumLevel(LogLevel.Trace);
            logging.AddFilter<CapturingLoggerProvider>(null, LogLevel.Trace);
            logging.AddProvider(_logs);
        }));
    }
}
