using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.AzureStorage;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Storage.Conformance;

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteBlobStoreConformanceTests(AzuriteFixture azurite) : BlobStoreConformanceTests
{
    protected override IStorageProvider Provider { get; } = AzureStorageProvider.FromConnectionString(azurite.ConnectionString);
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteTableStoreConformanceTests(AzuriteFixture azurite) : TableStoreConformanceTests
{
    protected override IStorageProvider Provider { get; } = AzureStorageProvider.FromConnectionString(azurite.ConnectionString);
}

[Collection(AzuriteCollection.Name)]
public sealed class AzuriteMessageQueueConformanceTests(AzuriteFixture azurite) : MessageQueueConformanceTests
{
    protected override IStorageProvider Provider { get; } = AzureStorageProvider.FromConnectionString(azurite.ConnectionString);
}
