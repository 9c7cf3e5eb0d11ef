using Azure.Core;
using Azure.Identity;
using Azure.Messaging.EventHubs;
using Azure.Messaging.EventHubs.Producer;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>
/// The Event Hubs bus settings, with the Functions naming conventions for a connection:
/// <list type="bullet">
/// <item><c>EventHubConnection</c> (or <c>ConnectionStrings:EventHubConnection</c>): a connection string
/// <c>Endpoint=sb://ns.servicebus.windows.net/;SharedAccessKeyName=…;SharedAccessKey=…[;EntityPath=hub]</c>
/// (the emulator's, with <c>UseDevelopmentEmulator=true</c>, works too);</item>
/// <item>or <c>EventHubConnection__fullyQualifiedNamespace</c> (<c>ns.servicebus.windows.net</c>) for an
/// Entra ID identity, with <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned one;</item>
/// <item><c>EventHubName</c> (default <c>samples</c>; <c>EntityPath</c> may name it instead) and
/// <c>EventHubConsumerGroup</c> (default <c>$Default</c>).</item>
/// </list>
/// <see cref="Problems"/> names the setting at fault and never prints a key.
/// </summary>
internal sealed class EventHubsSettings
{
    public const string ConnectionSetting = "EventHubConnection";
    public const string EventHubNameSetting = "EventHubName";
    public const string ConsumerGroupSetting = "EventHubConsumerGroup";
    public const string DefaultEventHubName = "samples";
    public const string DefaultConsumerGroup = "$Default";

    /// <summary>The only value of <c>__credential</c> that Functions knows.</summary>
    public const string ManagedIdentityCredentialName = "managedidentity";

    private const string NameRule = "letters, digits, periods, hyphens and underscores, starting and ending with a letter or digit";

    private EventHubsSettings()
    {
    }

    public string? ConnectionString { get; private init; }

    public string? FullyQualifiedNamespace { get; private init; }

    /// <summary><c>managedidentity</c>, or null for the default credential chain.</summary>
    public string? Credential { get; private init; }

    public string? ClientId { get; private init; }

    /// <summary>The hub: <c>EntityPath</c> of the connection string, else <c>EventHubName</c>, else <c>samples</c>.</summary>
    public string EventHubName => EntityPath ?? ConfiguredEventHubName ?? DefaultEventHubName;

    public string ConsumerGroup { get; private init; } = DefaultConsumerGroup;

    public bool IsConnectionString => ConnectionString is not null;

    public bool UsesManagedIdentity => string.Equals(Credential, ManagedIdentityCredentialName, StringComparison.OrdinalIgnoreCase);

    private string? ConfiguredEventHubName { get; init; }

    private string? EntityPath { get; init; }

    /// <summary>Reads the settings; never throws (<see cref="Problems"/> says what is wrong).</summary>
    public static EventHubsSettings Resolve(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(ConnectionSetting);
        var connectionString = NullIfEmpty(section.Value) ?? NullIfEmpty(configuration.GetConnectionString(ConnectionSetting));
        return new EventHubsSettings
        {
            ConnectionString = connectionString,
            EntityPath = connectionString is null ? null : NullIfEmpty(ConnectionStringValue(connectionString, "EntityPath")),
            FullyQualifiedNamespace = NullIfEmpty(section["fullyQualifiedNamespace"]),
            Credential = NullIfEmpty(section["credential"]),
            ClientId = NullIfEmpty(section["clientId"]),
            ConfiguredEventHubName = NullIfEmpty(configuration[EventHubNameSetting]),
            ConsumerGroup = NullIfEmpty(configuration[ConsumerGroupSetting]) ?? DefaultConsumerGroup,
        };
    }

    /// <summary>What is wrong, in words a user can act on, naming the setting (never a key); empty when usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (IsConnectionString)
        {
            if (ConnectionStringProblem(ConnectionString!) is { } problem)
            {
                yield return $"The setting {ConnectionSetting} is not a valid Event Hubs connection string: {problem}";
            }

            if (EntityPath is not null && ConfiguredEventHubName is not null && !string.Equals(EntityPath, ConfiguredEventHubName, StringComparison.Ordinal))
            {
                yield return $"The setting {ConnectionSetting} names the event hub '{EntityPath}' (EntityPath) but {EventHubNameSetting} is "
                    + $"'{ConfiguredEventHubName}': name it in one of them, or the same in both.";
            }
        }
        else if (FullyQualifiedNamespace is null)
        {
            yield return $"Scrape:Bus is EventHubs, but the setting {ConnectionSetting} is not set. Set it to an Event Hubs connection string "
                + "(Endpoint=sb://<namespace>.servicebus.windows.net/;SharedAccessKeyName=...;SharedAccessKey=...), "
                + $"or set {ConnectionSetting}__fullyQualifiedNamespace (<namespace>.servicebus.windows.net) for a managed identity, "
                + $"with {ConnectionSetting}__credential={ManagedIdentityCredentialName} and {ConnectionSetting}__clientId for a user-assigned one.";
        }
        else
        {
            if (Uri.CheckHostName(FullyQualifiedNamespace) != UriHostNameType.Dns)
            {
                yield return $"{ConnectionSetting}__fullyQualifiedNamespace '{FullyQualifiedNamespace}' is not a host name such as "
                    + "<namespace>.servicebus.windows.net (no scheme, port or path).";
            }

            if (Credential is not null && !UsesManagedIdentity)
            {
                yield return $"{ConnectionSetting}__credential is '{Credential}'; the only value is {ManagedIdentityCredentialName} "
                    + "(leave it unset for the default credential chain).";
            }
        }

        if (!IsName(EventHubName, 256))
        {
            var source = EntityPath is not null ? $"EntityPath in {ConnectionSetting}" : EventHubNameSetting;
            yield return $"{source} '{EventHubName}' is not an event hub name (1 to 256 {NameRule}).";
        }

        if (ConsumerGroup != DefaultConsumerGroup && !IsName(ConsumerGroup, 50))
        {
            yield return $"{ConsumerGroupSetting} '{ConsumerGroup}' is not a consumer group name ({DefaultConsumerGroup}, or 1 to 50 {NameRule}).";
        }
    }

    /// <summary>The retries of every client: transient failures (unreachable, throttled, busy) for about a minute and a half, then the error.</summary>
    public static EventHubsRetryOptions RetryOptions() => new()
    {
        Mode = EventHubsRetryMode.Exponential,
        MaximumRetries = 3,
        Delay = TimeSpan.FromSeconds(0.8),
        MaximumDelay = TimeSpan.FromSeconds(10),
        TryTimeout = TimeSpan.FromSeconds(20),
    };

    /// <summary>A producer with its own connection. Builds the client only: nothing is sent and no token fetched yet.</summary>
    /// <param name="retry">The client's retries; <see cref="RetryOptions"/> when null.</param>
    /// <exception cref="InvalidOperationException">The settings have <see cref="Problems"/>.</exception>
    public EventHubProducerClient CreateProducer(EventHubsRetryOptions? retry = null)
    {
        ThrowIfProblems();
        var options = new EventHubProducerClientOptions { RetryOptions = retry ?? RetryOptions() };
        return IsConnectionString
            ? EntityPath is null
                ? new EventHubProducerClient(ConnectionString, EventHubName, options)
                : new EventHubProducerClient(ConnectionString, options)
            : new EventHubProducerClient(FullyQualifiedNamespace, EventHubName, CreateCredential(), options);
    }

    /// <summary>A connection the consumer's clients share (the caller closes it).</summary>
    /// <exception cref="InvalidOperationException">The settings have <see cref="Problems"/>.</exception>
    public EventHubConnection CreateConnection()
    {
        ThrowIfProblems();
        return IsConnectionString
            ? EntityPath is null
                ? new EventHubConnection(ConnectionString, EventHubName)
                : new EventHubConnection(ConnectionString)
            : new EventHubConnection(FullyQualifiedNamespace, EventHubName, CreateCredential());
    }

    /// <summary>
    /// <see cref="ManagedIdentityCredential"/> (user-assigned with <see cref="ClientId"/>, else system-assigned) when
    /// <c>__credential=managedidentity</c>; otherwise <see cref="DefaultAzureCredential"/>.
    /// </summary>
    public TokenCredential CreateCredential()
    {
        if (UsesManagedIdentity)
        {
            return new ManagedIdentityCredential(ClientId is null
                ? ManagedIdentityId.SystemAssigned
                : ManagedIdentityId.FromUserAssignedClientId(ClientId));
        }

        return ClientId is null
            ? new DefaultAzureCredential()
            : new DefaultAzureCredential(new DefaultAzureCredentialOptions { ManagedIdentityClientId = ClientId });
    }

    private void ThrowIfProblems()
    {
        var problems = Problems().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }
    }

    /// <summary>What is wrong with the string, never quoting it (it holds a key); null when the SDK will accept it.</summary>
    private static string? ConnectionStringProblem(string connectionString)
    {
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (part.IndexOf('=', StringComparison.Ordinal) <= 0)
            {
                return "expected Name=Value pairs separated by ';'.";
            }
        }

        var endpoint = ConnectionStringValue(connectionString, "Endpoint");
        if (string.IsNullOrEmpty(endpoint))
        {
            return "it has no Endpoint (sb://<namespace>.servicebus.windows.net/).";
        }

        if (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme != "sb" || uri.Host.Length == 0)
        {
            return "its Endpoint is not an sb:// URI such as sb://<namespace>.servicebus.windows.net/.";
        }

        var hasKey = !string.IsNullOrEmpty(ConnectionStringValue(connectionString, "SharedAccessKeyName"))
            && !string.IsNullOrEmpty(ConnectionStringValue(connectionString, "SharedAccessKey"));
        if (!hasKey && string.IsNullOrEmpty(ConnectionStringValue(connectionString, "SharedAccessSignature")))
        {
            return "it needs SharedAccessKeyName and SharedAccessKey (or SharedAccessSignature); "
                + $"for an identity-based connection set {ConnectionSetting}__fullyQualifiedNamespace instead.";
        }

        try
        {
            _ = EventHubsConnectionStringProperties.Parse(connectionString);
            return null;
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            // The SDK's own message is not repeated: it is not ours to promise it never quotes the string.
            return "the Event Hubs client does not accept it (check the Name=Value pairs).";
        }
    }

    private static string? ConnectionStringValue(string connectionString, string name)
    {
        string? value = null;
        foreach (var part in connectionString.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var eq = part.IndexOf('=', StringComparison.Ordinal);
            if (eq > 0 && string.Equals(part[..eq].Trim(), name, StringComparison.OrdinalIgnoreCase))
            {
                value = part[(eq + 1)..].Trim();
            }
        }

        return value;
    }

    /// <summary>Event hub and consumer group names: letters, digits, '.', '-', '_'; a letter or digit at both ends.</summary>
    private static bool IsName(string name, int maxLength) =>
        name.Length >= 1 && name.Length <= maxLength
        && char.IsAsciiLetterOrDigit(name[0]) && char.IsAsciiLetterOrDigit(name[^1])
        && name.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_');

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
