using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Where the HTTP server listens. When the Functions host starts us as a custom handler it sets
/// <c>FUNCTIONS_CUSTOMHANDLER_PORT</c> (older hosts <c>FUNCTIONS_HTTPWORKER_PORT</c>) and calls
/// <c>http://127.0.0.1:&lt;port&gt;</c>; otherwise <c>Web:ListenAddress</c>
/// (<c>--web.listen-address</c>), by default <c>localhost:9090</c> like Prometheus's port.
/// </summary>
internal sealed record ListenEndpoint(string Host, int Port, string Source)
{
    public const string CustomHandlerPortVariable = "FUNCTIONS_CUSTOMHANDLER_PORT";
    public const string LegacyHttpWorkerPortVariable = "FUNCTIONS_HTTPWORKER_PORT";

    /// <summary>True when the Functions host started us as its custom handler.</summary>
    public static bool IsCustomHandler(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        return !string.IsNullOrWhiteSpace(configuration[CustomHandlerPortVariable])
            || !string.IsNullOrWhiteSpace(configuration[LegacyHttpWorkerPortVariable]);
    }

    /// <summary>Resolves the endpoint; throws <see cref="OptionsValidationException"/> with a clear message when a setting is malformed.</summary>
    public static ListenEndpoint Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        foreach (var variable in new[] { CustomHandlerPortVariable, LegacyHttpWorkerPortVariable })
        {
            var raw = configuration[variable];
            if (string.IsNullOrWhiteSpace(raw))
            {
                continue;
            }

            if (!int.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
            {
                throw Invalid($"{variable} must be a port number from 1 to 65535, not '{raw}'.");
            }

            return new ListenEndpoint("127.0.0.1", port, variable);
        }

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
