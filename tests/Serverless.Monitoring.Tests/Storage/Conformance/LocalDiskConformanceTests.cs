using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;

namespace Serverless.Monitoring.Tests.Storage.Conformance;

/// <summary>A fresh local-disk provider in a temporary folder per test class instance.</summary>
public sealed class LocalDiskProviderScope : IDisposable
{
    public LocalDiskProviderScope()
    {
        Root = Path.Combine(Path.GetTempPath(), "sm-conformance-" + Guid.NewGuid().ToString("N"));
        Provider = new LocalDiskStorageProvider(Root);
    }

    public string Root { get; }

    public IStorageProvider Provider { get; }

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }
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
