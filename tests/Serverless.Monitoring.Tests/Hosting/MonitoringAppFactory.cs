using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>
/// The app in memory (TestServer), configured as when run embedded, plus <see cref="Settings"/>.
/// The scrape and ingest loops are off unless the settings turn them on (<c>Scrape:Enabled</c>)
/// or name a config (<c>Scrape:ConfigFile</c>): a test about wiring must not scrape the sample
/// config's targets or reach the storage account it names.
/// </summary>
public sealed class MonitoringAppFactory : WebApplicationFactory<Program>
{
    /// <summary>Configuration keys (e.g. <c>Storage:Provider</c>) that win over appsettings.json.</summary>
    public IReadOnlyDictionary<string, string?> Settings { get; init; } = new Dictionary<string, string?>();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        var settings = new Dictionary<string, string?>(Settings);
        if (!settings.ContainsKey("Scrape:Enabled") && !settings.ContainsKey("Scrape:ConfigFile"))
        {
            settings["Scrape:Enabled"] = "false";
        }

        builder.ConfigureAppConfiguration((_, configuration) => configuration.AddInMemoryCollection(settings));
    }
}
