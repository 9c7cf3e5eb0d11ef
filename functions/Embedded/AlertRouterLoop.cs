using Serverless.Monitoring.Core.Alerting.Router;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>
/// Drives the alert router in the embedded server: wakes at the dispatcher's next due time or when
/// something changed (alerts posted, a flush done, a reload), starts the due flushes, saves the state to
/// the <c>alertmanager</c> container after changes (at most once a second) and at stop, and collects
/// garbage every 15 minutes. Idle while the router is off.
/// </summary>
internal sealed class AlertRouterLoop(AlertRouterHost host, TimeProvider time, ILogger<AlertRouterLoop> logger) : BackgroundService
{
    private static readonly TimeSpan SaveEvery = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan CollectEvery = TimeSpan.FromMinutes(15);
    private static readonly TimeSpan DrainAtStop = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _wake = new(0, 1);
    private int _dirty;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!host.Enabled)
        {
            return;
        }

        var router = host.Router ?? await WaitForStartAsync(stoppingToken);
        if (router is null)
        {
            return;
        }

        router.Changed += OnChanged;
        var store = host.Store;
        var lastSave = DateTimeOffset.MinValue;
        var nextCollect = time.GetUtcNow() + CollectEvery;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                var now = time.GetUtcNow();
                if (now >= nextCollect)
                {
                    router.CollectGarbage();
                    nextCollect = now + CollectEvery;
                    Interlocked.Exchange(ref _dirty, 1);
                }

                router.Tick(now);
                if (Volatile.Read(ref _dirty) == 1 && now - lastSave >= SaveEvery)
                {
                    Interlocked.Exchange(ref _dirty, 0);
                    await SaveAsync(router, store, stoppingToken);
                    lastSave = now;
                }

                var wakeAt = Min(router.NextDue, nextCollect);
                if (Volatile.Read(ref _dirty) == 1)
                {
                    wakeAt = Min(wakeAt, lastSave + SaveEvery);
                }

                var delay = wakeAt - time.GetUtcNow();
                if (delay > TimeSpan.Zero)
                {
                    await _wake.WaitAsync(delay, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            router.Changed -= OnChanged;
        }

        // Flushes in flight log what they sent before the state is written for the next start.
        await Task.WhenAny(router.DrainAsync(), Task.Delay(DrainAtStop, time, CancellationToken.None));
        await SaveAsync(router, store, CancellationToken.None);
    }

    private void OnChanged()
    {
        Interlocked.Exchange(ref _dirty, 1);
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already woken.
        }
    }

    private async Task<AlertRouter?> WaitForStartAsync(CancellationToken stoppingToken)
    {
        var started = new TaskCompletionSource<AlertRouter>(TaskCreationOptions.RunContinuationsAsynchronously);
        host.Started += r => started.TrySetResult(r);
        if (host.Router is { } running)
        {
            return running;
        }

        try
        {
            return await started.Task.WaitAsync(stoppingToken);
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    private async Task SaveAsync(AlertRouter router, IBlobStore store, CancellationToken cancellationToken)
    {
        try
        {
            await router.SaveAsync(store, cancellationToken);
        }
        catch (Exception ex) when (ex is StorageException or IOException)
        {
            Interlocked.Exchange(ref _dirty, 1);
            logger.LogWarning("Could not save the alert router's state: {Reason}", ex.Message);
        }
    }

    private static DateTimeOffset Min(DateTimeOffset? a, DateTimeOffset b) => a is { } v && v < b ? v : b;

    public override void Dispose()
    {
        _wake.Dispose();
        base.Dispose();
    }
}
