using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>The app in memory (TestServer), configured as when run embedded.</summary>
public sealed class MonitoringAppFactory : WebApplicationFactory<Program>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
    }
}
