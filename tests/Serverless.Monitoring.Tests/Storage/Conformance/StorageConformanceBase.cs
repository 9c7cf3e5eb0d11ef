using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Tests.Storage.Conformance;

/// <summary>
/// The one conformance suite for the storage ports: every adapter runs exactly these tests
/// through a subclass that only says how to get its provider.
/// </summary>
public abstract class StorageConformanceBase
{
    protected abstract IStorageProvider Provider { get; }

    /// <summary>A fresh container or queue name (lowercase, digits, hyphen) for one test.</summary>
    protected static string NewContainerName(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..Math.Min(prefix.Length + 1 + 24, 63)];

    /// <summary>A fresh table name (letters and digits) for one test.</summary>
    protected static string NewTableName() => $"t{Guid.NewGuid():N}"[..24];

    protected static byte[] DeterministicBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }

    protected static async Task<TResult[]> RunConcurrentlyAsync<TItem, TResult>(
        IEnumerable<TItem> items, int parallelism, Func<TItem, Task<TResult>> action)
    {
        using var gate = new SemaphoreSlim(parallelism);
        var tasks = items.Select(async item =>
        {
            await gate.WaitAsync();
            try
            {
                return await action(item);
            }
            finally
            {
                gate.Release();
            }
        }).ToList();
        return await Task.WhenAll(tasks);
    }
}
