using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.AzureStorage;

/// <summary>Helpers for the Azurite-backed adapter tests: fast retries and fresh names.</summary>
internal static class AzuriteTestEnvironment
{
    /// <summary>Fast retries: Azurite on loopback either answers at once or is not there.</summary>
    public static AzureStorageClientOptions FastRetries { get; } = new()
    {
        MaxRetries = 2,
        Delay = TimeSpan.FromMilliseconds(10),
        MaxDelay = TimeSpan.FromMilliseconds(50),
        NetworkTimeout = TimeSpan.FromSeconds(60),
    };

    public static AzureStorageProvider CreateProvider(AzuriteFixture azurite) => AzureStorageProvider.FromConnectionString(azurite.ConnectionString, FastRetries);

    /// <summary>A fresh container or queue name (lowercase, hyphens).</summary>
    public static string UniqueName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 13, 56)];

    /// <summary>A fresh table name (letters and digits only).</summary>
    public static string UniqueTableName(string prefix) => (prefix + Guid.NewGuid().ToString("N"))[..Math.Min(prefix.Length + 20, 63)];
}
