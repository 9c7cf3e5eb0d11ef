using System.Globalization;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Whether the app runs as an Azure Functions custom handler. Then the host's timers and triggers
/// drive scraping, ingestion and maintenance through the invocation endpoints, and the embedded
/// background loops stay off (each would otherwise run on every instance the host scales to).
/// </summary>
internal sealed record HostingMode(bool IsCustomHandler)
{
    /// <summary><c>Functions:CustomHandler</c> when it is set, else whether the host gave us a port.</summary>
    public static HostingMode From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var configured = configuration[$"{FunctionsOptions.SectionName}:{nameof(FunctionsOptions.CustomHandler)}"];
        if (!string.IsNullOrWhiteSpace(configured) && bool.TryParse(configured.Trim(), out var explicitly))
        {
            return new HostingMode(explicitly);
        }

        var port = configuration[ListenEndpoint.CustomHandlerPortVariable];
        if (string.IsNullOrWhiteSpace(port))
        {
            port = configuration[ListenEndpoint.LegacyHttpWorkerPortVariable];
        }

        return new HostingMode(int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out _));
    }
}
