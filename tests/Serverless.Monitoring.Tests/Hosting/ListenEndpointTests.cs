using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Tests.Hosting;

public class ListenEndpointTests
{
    public static TheoryData<string, string?, string, int, string> Cases => new()
    {
        // case, Web:ListenAddress, host, port, source
        { "default", null, "localhost", 9090, "default" },
        { "blank setting is ignored", " ", "localhost", 9090, "default" },
        { "flag, all interfaces", ":9091", "", 9091, "--web.listen-address" },
        { "flag, IPv4", "0.0.0.0:9092", "0.0.0.0", 9092, "--web.listen-address" },
        { "flag, IPv6", "[::1]:9093", "::1", 9093, "--web.listen-address" },
        { "flag, host name", "localhost:0", "localhost", 0, "--web.listen-address" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public void Port_selection(string name, string? listenAddress, string host, int port, string source)
    {
        var endpoint = ListenEndpoint.Resolve(Configuration(listenAddress));
        Assert.Equal((host, port, source), (endpoint.Host, endpoint.Port, endpoint.Source));
        Assert.NotNull(name);
    }

    [Theory]
    [InlineData("9090", "must be host:port")]
    [InlineData("localhost:http", "has no valid port")]
    [InlineData("localhost:65536", "has no valid port")]
    [InlineData("::1:9090", "IPv6 host in brackets")]
    [InlineData("example.org:9090", "must be an IP address, localhost, or empty")]
    public void Malformed_settings_give_clear_errors(string listenAddress, string message)
    {
        var ex = Assert.Throws<OptionsValidationException>(() => ListenEndpoint.Resolve(Configuration(listenAddress)));
        Assert.Contains(message, ex.Message, StringComparison.Ordinal);
    }

    private static IConfiguration Configuration(string? listenAddress) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Web:ListenAddress"] = listenAddress })
            .Build();
}
