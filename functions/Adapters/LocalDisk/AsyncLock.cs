using System.Diagnostics.CodeAnalysis;

namespace Serverless.Monitoring.Functions.Adapters.LocalDisk;

/// <summary>An async mutual-exclusion lock: <c>using (await gate.EnterAsync(ct)) { ... }</c>.</summary>
[SuppressMessage("Design", "CA1001", Justification = "A SemaphoreSlim whose AvailableWaitHandle is never read holds no unmanaged resource; the lock lives as long as the process-wide store cache.")]
internal sealed class AsyncLock
{
    private readonly SemaphoreSlim _semaphore = new(1, 1);

    public async ValueTask<Releaser> EnterAsync(CancellationToken cancellationToken)
    {
        await _semaphore.WaitAsync(cancellationToken);
        return new Releaser(_semaphore);
    }

    internal readonly struct Releaser(SemaphoreSlim semaphore) : IDisposable
    {
        public void Dispose() => semaphore.Release();
    }
}

/// <summary>
/// A fixed set of <see cref="AsyncLock"/>s picked by key hash: per-key exclusion without a lock
/// object per key (two keys may share a stripe, which only costs a little concurrency).
/// </summary>
internal sealed class StripedAsyncLock
{
    private readonly AsyncLock[] _stripes;

    public StripedAsyncLock(int stripes)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(stripes, 1);
        _stripes = new AsyncLock[stripes];
        for (var i = 0; i < stripes; i++)
        {
            _stripes[i] = new AsyncLock();
        }
    }

    public ValueTask<AsyncLock.Releaser> EnterAsync(string key, CancellationToken cancellationToken)
    {
        var stripe = (uint)StringComparer.Ordinal.GetHashCode(key) % (uint)_stripes.Length;
        return _stripes[stripe].EnterAsync(cancellationToken);
    }
}
