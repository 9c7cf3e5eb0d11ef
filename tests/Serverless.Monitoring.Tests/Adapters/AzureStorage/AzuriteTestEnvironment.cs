using Serverless.Monitoring.Functions.Adapters.AzureStorage;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

/// <summary>
/// Stand-in for the shared Azurite fixture: the Azurite-backed tests read the connection string of
/// a running Azurite from AZURITE_CONNECTION_STRING and fail with instructions when it is not set.
/// </summary>
internal static class AzuriteTestEnvironment
{
    public const string VariableName = "AZURITE_CONNECTION_STRING";

    /// <summary>Fast retries: Azurite on loopback either answers at once or is not there.</summary>
    public static AzureStorageClientOptions FastRetries { get; } = new()
    {
        MaxRetries = 2,
        Delay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        NetworkTimeout = TimeSpan.FromSeconds(60),
    };

    public static string ConnectionString =>
        Environment.GetEnvironmentVariable(VariableName) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{VariableName} is not set. Start Azurite on loopback, e.g. 'npx azurite --inMemoryPersistence --skipApiVersionCheck " +
                "--disableTelemetry --blobHost 127.0.0.1 --blobPort 10000 --queueHost 127.0.0.1 --queuePort 10001 --tableHost 127.0.0.1 " +
                $"--tablePort 10002', then set {VariableName}=UseDevelopmentStorage=true (or a full connection string for other ports).");

    public static AzureStorageProvider CreateProvider() => AzureStorageProvider.FromConnectionString(ConnectionString, FastRetries);

    /// <summary>A fresh container or queue name (lowercase, hyphens).</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 56)];

    /// <summary>A fresh table name (letters and digits only).</summary>
    public static string UniqueTableName(string prefix) => (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(prefix.Length + 20, 63)];
}
