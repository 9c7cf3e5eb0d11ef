using Azure.Core;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>
/// Where an event hub lives and how to authorize: a Shared Access Signature key (from a
/// connection string) or an Entra ID token credential (managed identity in Azure).
/// </summary>
public sealed class EventHubsConnection
{
    private const string ErrorPrefix = "Invalid Event Hubs connection string: ";

    private EventHubsConnection(Uri endpoint, string eventHub, string? keyName, string? key, TokenCredential? credential)
    {
        ArgumentException.ThrowIfNullOrEmpty(eventHub);
        Endpoint = endpoint.AbsoluteUri.EndsWith('/') ? endpoint : new Uri(endpoint.AbsoluteUri + "/");
        EventHub = eventHub;
        SharedAccessKeyName = keyName;
        SharedAccessKey = key;
        Credential = credential;
    }

    /// <summary>The namespace's HTTPS endpoint with a trailing slash, e.g. <c>https://ns.servicebus.windows.net/</c>.</summary>
    public Uri Endpoint { get; }

    public string EventHub { get; }

    public string? SharedAccessKeyName { get; }

    /// <summary>The SAS key, used as UTF-8 text (not base64-decoded). Never printed.</summary>
    internal string? SharedAccessKey { get; }

    /// <summary>The Entra ID credential, or null for SAS.</summary>
    public TokenCredential? Credential { get; }

    /// <summary>The event hub's URI (what a SAS token signs): endpoint + hub name.</summary>
    public Uri ResourceUri => new(Endpoint, Uri.EscapeDataString(EventHub));

    /// <summary>A SAS connection to an explicit endpoint (tests use a loopback <c>http://</c> one).</summary>
    public static EventHubsConnection WithSharedAccessKey(Uri endpoint, string eventHub, string keyName, string key)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentException.ThrowIfNullOrEmpty(keyName);
        ArgumentException.ThrowIfNullOrEmpty(key);
        return new EventHubsConnection(endpoint, eventHub, keyName, key, null);
    }

    /// <summary>An Entra ID connection to <c>https://{fullyQualifiedNamespace}/</c>.</summary>
    public static EventHubsConnection WithCredential(string fullyQualifiedNamespace, string eventHub, TokenCredential credential)
    {
        ArgumentException.ThrowIfNullOrEmpty(fullyQualifiedNamespace);
        ArgumentNullException.ThrowIfNull(credential);
        return new EventHubsConnection(new Uri($"https://{fullyQualifiedNamespace}/"), eventHub, null, null, credential);
    }

    /// <summary>An Entra ID connection to an explicit endpoint.</summary>
    public static EventHubsConnection WithCredential(Uri endpoint, string eventHub, TokenCredential credential)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        ArgumentNullException.ThrowIfNull(credential);
        return new EventHubsConnection(endpoint, eventHub, null, null, credential);
    }

    /// <summary>
    /// Parses <c>Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=hub]</c>.
    /// The hub comes from <c>EntityPath</c> or <paramref name="eventHub"/> (which must agree when both are given).
    /// </summary>
    /// <exception cref="FormatException">The string is malformed; the message never includes the key.</exception>
    public static EventHubsConnection Parse(string connectionString, string? eventHub = null)
    {
        ArgumentNullException.ThrowIfNull(connectionString);
        var settings = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq <= 0)
            {
                throw new FormatException(ErrorPrefix + "expected name=value pairs separated by ';'.");
            }

            settings[part[..eq].Trim()] = part[(eq + 1)..].Trim();
        }

        if (settings.TryGetValue("UseDevelopmentEmulator", out var emulator) && bool.TryParse(emulator, out var isEmulator) && isEmulator)
        {
            throw new FormatException(ErrorPrefix + "the Event Hubs emulator speaks AMQP and Kafka only; the REST send API this transport uses is not available there.");
        }

        if (!settings.TryGetValue("Endpoint", out var endpointText) || !Uri.TryCreate(endpointText, UriKind.Absolute, out var endpoint))
        {
            throw new FormatException(ErrorPrefix + "Endpoint is missing or not an absolute URI (e.g. sb://ns.servicebus.windows.net/).");
        }

        if (!settings.TryGetValue("SharedAccessKeyName", out var keyName) || keyName.Length == 0
            || !settings.TryGetValue("SharedAccessKey", out var key) || key.Length == 0)
        {
            throw new FormatException(ErrorPrefix + "SharedAccessKeyName and SharedAccessKey are required (use an Entra ID credential otherwise).");
        }

        settings.TryGetValue("EntityPath", out var entityPath);
        if (!string.IsNullOrEmpty(entityPath) && !string.IsNullOrEmpty(eventHub) && !string.Equals(entityPath, eventHub, StringComparison.Ordinal))
        {
            throw new FormatException(ErrorPrefix + $"EntityPath '{entityPath}' differs from the configured event hub '{eventHub}'.");
        }

        var hub = string.IsNullOrEmpty(entityPath) ? eventHub : entityPath;
        if (string.IsNullOrEmpty(hub))
        {
            throw new FormatException(ErrorPrefix + "no event hub: set EntityPath or configure the event hub name.");
        }

        // sb:// names the namespace; REST goes over HTTPS to the same host.
        var https = endpoint.Scheme is "sb" or "amqps" ? new UriBuilder(endpoint) { Scheme = Uri.UriSchemeHttps, Port = -1 }.Uri : endpoint;
        return new EventHubsConnection(https, hub, keyName, key, null);
    }
}
