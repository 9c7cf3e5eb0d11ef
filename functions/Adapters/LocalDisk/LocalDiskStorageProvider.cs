using System.Collections.Concurrent;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>
/// Storage on local disk for the embedded host: blobs/&lt;container&gt;, tables/&lt;table&gt; and
/// queues/&lt;queue&gt; under one root folder. Names follow Azure's rules so that what works
/// embedded also works in Azure. One store instance per name, so their in-process locks are shared.
/// </summary>
public sealed class LocalDiskStorageProvider : IStorageProvider
{
    private readonly TimeProvider _timeProvider;
    private readonly ConcurrentDictionary<string, LocalDiskBlobStore> _blobStores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LocalDiskTableStore> _tableStores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, LocalDiskMessageQueue.State> _queueStates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Name, int MaxDeliveryCount), LocalDiskMessageQueue> _queues = new();

    public LocalDiskStorageProvider(string rootDirectory)
        : this(rootDirectory, TimeProvider.System)
    {
    }

    /// <param name="timeProvider">The clock for blob and entity times and message visibility (tests pass a fake).</param>
    public LocalDiskStorageProvider(string rootDirectory, TimeProvider timeProvider)
    {
        ArgumentException.ThrowIfNullOrEmpty(rootDirectory);
        ArgumentNullException.ThrowIfNull(timeProvider);
        RootDirectory = Path.TrimEndingDirectorySeparator(Path.GetFullPath(rootDirectory));
        _timeProvider = timeProvider;
    }

    public string RootDirectory { get; }

    public IBlobStore GetBlobStore(string container)
    {
        StorageNaming.CheckContainerOrQueue(container, "container");
        return _blobStores.GetOrAdd(container, static (name, self) =>
            new LocalDiskBlobStore(Path.Combine(self.RootDirectory, "blobs", name), name, self._timeProvider), this);
    }

    public ITableStore GetTableStore(string table)
    {
        StorageNaming.CheckTable(table);

        // Azure table names are case-insensitive: "Rules" and "rules" are one table.
        return _tableStores.GetOrAdd(table.ToLowerInvariant(), static (key, args) =>
            new LocalDiskTableStore(Path.Combine(args.Self.RootDirectory, "tables", key), args.Table, args.Self._timeProvider), (Self: this, Table: table));
    }

    public IMessageQueue GetQueue(string queue, QueueOptions? options = null)
    {
        StorageNaming.CheckQueue(queue);
        options ??= new QueueOptions();
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxDeliveryCount, 1, nameof(options));

        // Instances with different options share one state (lock and index) per queue name.
        var state = _queueStates.GetOrAdd(queue, static (name, root) =>
            new LocalDiskMessageQueue.State(Path.Combine(root, "queues", name)), RootDirectory);
        return _queues.GetOrAdd((queue, options.MaxDeliveryCount), static (key, args) =>
            new LocalDiskMessageQueue(args.Self, key.Name, args.Options, args.State, args.Self._timeProvider), (Self: this, Options: options, State: state));
    }
}
