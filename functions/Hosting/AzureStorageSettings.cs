namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The settings of an Azure Storage connection, resolved from configuration by its setting name (by default
/// <c>MonitoringStorage</c>), following the Functions conventions:
/// <list type="bullet">
/// <item>a connection string in the setting itself (<c>MonitoringStorage=DefaultEndpointsProtocol=...</c>,
/// <c>UseDevelopmentStorage=true</c> for Azurite) or in <c>ConnectionStrings:MonitoringStorage</c>;</item>
/// <item>or an identity-based connection: <c>MonitoringStorage__accountName</c>, or
/// <c>MonitoringStorage__blobServiceUri</c>, <c>__tableServiceUri</c> and <c>__queueServiceUri</c>;
/// with <c>__credential=managedidentity</c> and <c>__clientId</c> for a user-assigned identity.</item>
/// </list>
/// </summary>
internal sealed class AzureStorageSettings
{
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

    /// <summary>Reads the connection named <paramref name="name"/>; never throws, validation says what is missing.</summary>
    public static AzureStorageSettings Resolve(IConfiguration configuration, string name)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var section = configuration.GetSection(name);
        var connectionString = section.Value;
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            connectionString = configuration.GetConnectionString(name);
        }

        return new AzureStorageSettings
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
    }

    /// <summary>Problems with this connection, in words a user can act on; empty when it is usable.</summary>
    public IEnumerable<string> Problems(IConfiguration configuration)
    {
        var section = configuration.GetSection(Name);
        foreach (var key in new[] { "blobServiceUri", "serviceUri", "tableServiceUri", "queueServiceUri" })
        {
            var raw = section[key];
            if (!string.IsNullOrWhiteSpace(raw) && ParseUri(raw) is null)
            {
                yield return $"{Name}__{key} is not an absolute http(s) URI: '{raw}'.";
            }
        }

        if (IsConnectionString)
        {
            if (!ConnectionString!.Contains('=', StringComparison.Ordinal))
            {
                yield return $"The setting {Name} is not a storage connection string (Key=Value;... pairs, "
                    + "or UseDevelopmentStorage=true for Azurite).";
            }

            yield break;
        }

        if (!IsIdentityBased)
        {
            yield return $"Storage:Provider is AzureStorage, but the connection '{Name}' is not configured. "
                + $"Set the app setting {Name} to a storage connection string (UseDevelopmentStorage=true for Azurite), "
                + $"or {Name}__accountName (or {Name}__blobServiceUri, __tableServiceUri and __queueServiceUri) "
                + $"for a managed identity, with {Name}__credential=managedidentity and {Name}__clientId for a user-assigned one.";
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;

    private static Uri? ParseUri(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
            ? uri
            : null;
}
