using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Storage.Conformance;

/// <summary>A fresh local-disk provider in a temporary folder per test class instance.</summary>
public sealed class LocalDiskProviderScope : IDisposable
{
    private readonly TempDirectory _root = new("sm-conformance-");

    public LocalDiskProviderScope()
    {
        Provider = new LocalDiskStorageProvider(_root.Path);
    }

    public IStorageProvider Provider { get; }

    public void Dispose() => _root.Dispose();
}

public sealed class LocalDiskBlobStoreConformanceTests : BlobStoreConformanceTests, IDisposable
{
    private readonly LocalDiskProviderScope _scope = new();

    protected override IStorageProvider Provider => _scope.Provider;

    public void Dispose() => _scope.Dispose();
}

public sealed class LocalDiskTableStoreConformanceTests : TableStoreConformanceTests, IDisposable
{
    private readonly LocalDiskProviderScope _scope = new();

    protected override IStorageProvider Provider => _scope.Provider;

    public void Dispose() => _scope.Dispose();
}

public sealed class LocalDiskMessageQueueConformanceTests : MessageQueueConformanceTests, IDisposable
{
    private readonly LocalDiskProviderScope _scope = new();

    protected override IStorageProvider Provider => _scope.Provider;

    public void Dispose() => _scope.Dispose();
}
