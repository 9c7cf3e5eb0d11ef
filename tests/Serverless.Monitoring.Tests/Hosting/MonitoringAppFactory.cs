using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>The app in memory (TestServer), configured as when run embedded, plus <see cref="Settings"/>.</summary>
public sealed class MonitoringAppFactory : WebApplicationFactory<Program>
{
    /// <summary>Configuration keys (e.g. <c>Storage:Provider</c>) that win over appsettings.json.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(Settings));
    }
}
