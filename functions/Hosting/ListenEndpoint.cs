using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Where the embedded server listens: <c>Web:ListenAddress</c> (<c>--web.listen-address</c>), by
/// default <c>localhost:9090</c> like Prometheus's port.
/// </summary>
internal sealed record ListenEndpoint(string Host, int Port, string Source)
{
    /// <summary>Resolves the endpoint; throws <see cref="OptionsValidationException"/> with a clear message when a setting is malformed.</summary>
    public static ListenEndpoint Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var address = configuration[$"{WebOptions.SectionName}:{nameof(WebOptions.ListenAddress)}"];
        return string.IsNullOrWhiteSpace(address)
            ? Parse(WebOptions.DefaultListenAddress, "default")
            : Parse(address.Trim(), "--web.listen-address");
    }

    /// <summary>Parses <c>host:port</c>, <c>:port</c> or <c>[v6]:port</c>.</summary>
    public static ListenEndpoint Parse(string address, string source)
    {
        ArgumentNullException.ThrowIfNull(address);
        var colon = address.LastIndexOf(':');
        if (colon < 0)
        {
            throw Invalid($"The listen address '{address}' ({source}) must be host:port, e.g. localhost:9090 or :9090.");
        }

        var host = address[..colon];
        if (host.StartsWith('[') && host.EndsWith(']'))
        {
            host = host[1..^1];
        }
        else if (host.Contains(':', StringComparison.Ordinal))
        {
            throw Invalid($"The listen address '{address}' ({source}): write an IPv6 host in brackets, e.g. [::1]:9090.");
        }

        var portText = address[(colon + 1)..];
        if (!int.TryParse(portText, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
        {
            throw Invalid($"The listen address '{address}' ({source}) has no valid port (0 to 65535).");
        }

        if (host.Length > 0 && !IPAddress.TryParse(host, out _) && !string.Equals(host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            throw Invalid($"The listen address '{address}' ({source}): the host must be an IP address, localhost, or empty for every interface.");
        }

        return new ListenEndpoint(host, port, source);
    }

    /// <summary>Configures Kestrel to listen here (and only here), with <paramref name="configure"/> (e.g. HTTPS) applied.</summary>
    public void ApplyTo(KestrelServerOptions kestrel, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        configure ??= _ => { };
        if (Host.Length == 0)
        {
            kestrel.ListenAnyIP(Port, configure);
        }
        else if (IPAddress.TryParse(Host, out var ip))
        {
            kestrel.Listen(ip, Port, configure);
        }
        else if (string.Equals(Host, "localhost", StringComparison.OrdinalIgnoreCase))
        {
            // Kestrel binds both loopbacks for localhost but cannot pick a free port for both.
            if (Port == 0)
            {
                kestrel.Listen(IPAddress.Loopback, 0, configure);
            }
            else
            {
                kestrel.ListenLocalhost(Port, configure);
            }
        }
        else
        {
            throw Invalid($"The listen host '{Host}' ({Source}) is neither an IP address nor localhost.");
        }
    }

    private static OptionsValidationException Invalid(string message) =>
        new(Options.DefaultName, typeof(WebOptions), [message]);
}
