using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Tests.Fixtures;
using Serverless.Monitoring.Tests.Storage.Conformance;

namespace Serverless.Monitoring.Tests.Storage.Engine;

public sealed class LocalDiskStorageEngineTests : StorageEngineTests, IDisposable
{
    private readonly LocalDiskProviderScope _scope = new();

    protected override IStorageProvider Provider => _scope.Provider;

    public void Dispose() => _scope.Dispose();
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteStorageEngineTests(AzuriteFixture azurite) : StorageEngineTests
{
    protected override IStorageProvider Provider { get; } = AzureStorageProvider.FromConnectionString(azurite.ConnectionString);
}
