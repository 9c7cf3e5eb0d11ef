using Azure.Core;
using Azure.Identity;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The settings of an Azure Storage connection, resolved from configuration by its setting name (by default
/// <c>MonitoringStorage</c>), following the Functions conventions:
/// <list type="bullet">
/// <item>a connection string in the setting itself (<c>MonitoringStorage=DefaultEndpointsProtocol=...</c>,
/// <c>UseDevelopmentStorage=true</c> for Azurite) or in <c>ConnectionStrings:MonitoringStorage</c>;</item>
/// <item>or an identity-based connection: <c>MonitoringStorage__accountName</c>, or
/// <c>MonitoringStorage__blobServiceUri</c>, <c>__tableServiceUri</c> and <c>__queueServiceUri</c>
/// (each also overrides the URI that <c>__accountName</c> gives);
/// with <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity.</item>
/// </list>
/// </summary>
internal sealed class AzureStorageSettings
{
    /// <summary>The only value of <c>__credential</c> that Functions knows.</summary>
    public const string ManagedIdentityCredentialName = "managedidentity";

    private const string PublicCloudSuffix = "core.windows.net";

    private static readonly string[] ServiceUriKeys = ["blobServiceUri", "serviceUri", "tableServiceUri", "queueServiceUri"];

    private readonly List<string> _malformed = [];

    public required string Name { get; init; }

    public string? ConnectionString { get; init; }

    public string? AccountName { get; init; }

    public Uri? BlobServiceUri { get; init; }

    public Uri? TableServiceUri { get; init; }

    public Uri? QueueServiceUri { get; init; }

    /// <summary><c>managedidentity</c> for a managed identity; otherwise the default credential chain.</summary>
    public string? Credential { get; init; }

    /// <summary>The client ID of a user-assigned managed identity.</summary>
    public string? ClientId { get; init; }

    public bool IsConnectionString => !string.IsNullOrWhiteSpace(ConnectionString);

    public bool IsIdentityBased =>
        !IsConnectionString
        && (!string.IsNullOrWhiteSpace(AccountName)
            || (BlobServiceUri is not null && TableServiceUri is not null && QueueServiceUri is not null));

    public bool IsConfigured => IsConnectionString || IsIdentityBased;

    public bool UsesManagedIdentity => string.Equals(Credential, ManagedIdentityCredentialName, StringComparison.OrdinalIgnoreCase);

    /// <summary>Reads the connection named <paramref name="name"/>; never throws, <see cref="Problems"/> says what is wrong.</summary>
    public static AzureStorageSettings Resolve(IConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(name);
        var connectionString = section.Value;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = configuration.GetConnectionString(name);
        }

        var settings = new AzureStorageSettings
        {
            Name = name,
            ConnectionString = string.IsNullOrWhiteSpace(connectionString) ? null : connectionString,
            AccountName = NullIfEmpty(section["accountName"]),
            BlobServiceUri = ParseUri(section["blobServiceUri"] ?? section["serviceUri"]),
            TableServiceUri = ParseUri(section["tableServiceUri"]),
            QueueServiceUri = ParseUri(section["queueServiceUri"]),
            Credential = NullIfEmpty(section["credential"]),
            ClientId = NullIfEmpty(section["clientId"]),
        };

        foreach (var key in ServiceUriKeys)
        {
            var raw = section[key];
            if (!string.IsNullOrWhiteSpace(raw) && ParseUri(raw) is null)
            {
                // Bearer tokens never travel over plain http, so identity-based URIs are https only.
                settings._malformed.Add($"{name}__{key} is not an absolute https URI without a query: '{raw}'.");
            }
        }

        return settings;
    }

    /// <summary>Problems with this connection, in words a user can act on (never the account key); empty when it is usable.</summary>
    public IEnumerable<string> Problems()
    {
        if (IsConnectionString)
        {
            if (!AzureStorageConnection.TryParse(ConnectionString!, out _, out var problem))
            {
                yield return $"The setting {Name} is not a valid storage connection string: {problem}";
            }

            yield break;
        }

        foreach (var malformed in _malformed)
        {
            yield return malformed;
        }

        if (AccountName is not null && !IsAccountName(AccountName))
        {
            yield return $"{Name}__accountName '{AccountName}' is not a storage account name (3 to 24 lowercase letters and digits).";
        }

        if (Credential is not null && !UsesManagedIdentity)
        {
            yield return $"{Name}__credential is '{Credential}'; the only value is {ManagedIdentityCredentialName} "
                + "(leave it unset for the default credential chain).";
        }

        if (!IsIdentityBased && _malformed.Count == 0)
        {
            yield return $"Storage:Provider is AzureStorage, but the connection '{Name}' is not configured. "
                + $"Set the app setting {Name} to a storage connection string (UseDevelopmentStorage=true for Azurite), "
                + $"or {Name}__accountName (or {Name}__blobServiceUri, __tableServiceUri and __queueServiceUri) "
                + $"for a managed identity, with {Name}__credential=managedidentity and {Name}__clientId for a user-assigned one.";
        }
    }

    /// <summary>
    /// The provider for these settings. Only builds clients: no request is sent and no token is
    /// fetched until a store is used, so start-up stays fast.
    /// </summary>
    /// <exception cref="InvalidOperationException">The settings have <see cref="Problems"/>.</exception>
    public AzureStorageProvider CreateProvider(AzureStorageClientOptions? options = null)
    {
        var problems = Problems().ToList();
        if (problems.Count > 0)
        {
            throw new InvalidOperationException(string.Join(" ", problems));
        }

        if (IsConnectionString)
        {
            return AzureStorageProvider.FromConnectionString(ConnectionString!, options);
        }

        return AzureStorageProvider.FromServiceUris(
            BlobServiceUri ?? AccountServiceUri("blob"),
            TableServiceUri ?? AccountServiceUri("table"),
            QueueServiceUri ?? AccountServiceUri("queue"),
            CreateCredential(),
            options);
    }

    /// <summary>
    /// <see cref="ManagedIdentityCredential"/> (user-assigned with <see cref="ClientId"/>, else system-assigned) when
    /// <c>__credential=managedidentity</c>; otherwise <see cref="DefaultAzureCredential"/> (developer sign-ins, environment, managed identity).
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

    private Uri AccountServiceUri(string service) => new($"https://{AccountName}.{service}.{PublicCloudSuffix}");

    private static bool IsAccountName(string name) =>
        name.Length is >= 3 and <= 24 && name.All(c => char.IsAsciiLetterLower(c) || char.IsAsciiDigit(c));

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static Uri? ParseUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme == Uri.UriSchemeHttps && uri.Query.Length == 0
            ? uri
            : null;
}
