using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Tests.Hosting;

public class ListenEndpointTests
{
    public static TheoryData<string, string?, string?, string?, string, int, string> Cases => new()
    {
        // case, FUNCTIONS_CUSTOMHANDLER_PORT, FUNCTIONS_HTTPWORKER_PORT, Web:ListenAddress, host, port, source
        { "default", null, null, null, "localhost", 9090, "default" },
        { "custom handler port", "7071", null, null, "127.0.0.1", 7071, "FUNCTIONS_CUSTOMHANDLER_PORT" },
        { "custom handler port wins over the flag", "7071", null, "0.0.0.0:9091", "127.0.0.1", 7071, "FUNCTIONS_CUSTOMHANDLER_PORT" },
        { "older hosts' variable", null, "40123", null, "127.0.0.1", 40123, "FUNCTIONS_HTTPWORKER_PORT" },
        { "new variable wins over the old", "7071", "40123", null, "127.0.0.1", 7071, "FUNCTIONS_CUSTOMHANDLER_PORT" },
        { "blank variable is ignored", " ", null, null, "localhost", 9090, "default" },
        { "flag, all interfaces", null, null, ":9091", "", 9091, "--web.listen-address" },
        { "flag, IPv4", null, null, "0.0.0.0:9092", "0.0.0.0", 9092, "--web.listen-address" },
        { "flag, IPv6", null, null, "[::1]:9093", "::1", 9093, "--web.listen-address" },
        { "flag, host name", null, null, "localhost:0", "localhost", 0, "--web.listen-address" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Port_selection(string name, string? customHandlerPort, string? httpWorkerPort, string? listenAddress, string host, int port, string source)
    {
        var endpoint = ListenEndpoint.Resolve(Configuration(customHandlerPort, httpWorkerPort, listenAddress));
        Assert.Equal((host, port, source), (endpoint.Host, endpoint.Port, endpoint.Source));
        Assert.NotNull(name);
    }

    [Theory]
    [InlineData("abc", null, "FUNCTIONS_CUSTOMHANDLER_PORT must be a port number")]
    [InlineData("0", null, "FUNCTIONS_CUSTOMHANDLER_PORT must be a port number")]
    [InlineData("70000", null, "FUNCTIONS_CUSTOMHANDLER_PORT must be a port number")]
    [InlineData(null, "9090", "must be host:port")]
    [InlineData(null, "localhost:http", "has no valid port")]
    [InlineData(null, "localhost:65536", "has no valid port")]
    [InlineData(null, "::1:9090", "IPv6 host in brackets")]
    [InlineData(null, "example.org:9090", "must be an IP address, localhost, or empty")]
    public void Malformed_settings_give_clear_errors(string? customHandlerPort, string? listenAddress, string message)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => ListenEndpoint.Resolve(Configuration(customHandlerPort, null, listenAddress)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? customHandlerPort, string? httpWorkerPort, string? listenAddress) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?>
            {
                ["FUNCTIONS_CUSTOMHANDLER_PORT"] = customHandlerPort,
                ["FUNCTIONS_HTTPWORKER_PORT"] = httpWorkerPort,
                ["Web:ListenAddress"] = listenAddress,
            })
            .Build();
}
