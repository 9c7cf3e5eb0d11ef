using System.Threading.Channels;
using Serverless.Monitoring.Core.Alerting;
using Serverless.Monitoring.Core.Alerting.Dispatch;
using Serverless.Monitoring.Core.Alerting.Escalation;
using Serverless.Monitoring.Core.Alerting.Router;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>
/// Escalations in the embedded server: a flush of a group whose route names an
/// <c>escalation_policy</c> starts its escalation (one per group and receiver) or tells it the
/// group's firing alerts (none: it ends); the loop steps the registry at each escalation's next due
/// time. The same stepper and machine as the function app's orchestration.
/// </summary>
internal sealed class EscalationLoop(AlertRouterHost host, EscalationRegistry registry, TimeProvider time, ILogger<EscalationLoop> logger) : BackgroundService
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(5);

    private readonly Channel<GroupFlush> _flushes = Channel.CreateUnbounded<GroupFlush>(new UnboundedChannelOptions { SingleReader = true });

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!host.Enabled)
        {
            return;
        }

        host.Started += Follow;
        if (host.Router is { } running)
        {
            Follow(running);
        }

        using var changed = new SemaphoreSlim(0, 1);
        void Wake()
        {
            try
            {
                changed.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }

        registry.Changed += Wake;
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                while (_flushes.Reader.TryRead(out var flush))
                {
                    await ApplyAsync(flush, stoppingToken);
                }

                DateTimeOffset? next;
                try
                {
                    next = await registry.RunDueAsync(stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // A level that could not be sent: its escalation keeps its state and is tried again.
                    logger.LogWarning("Escalation step failed, trying again in {Delay}: {Error}", RetryDelay, ex.Message);
                    next = time.GetUtcNow() + RetryDelay;
                }

                var delay = next is { } due ? due - time.GetUtcNow() : Timeout.InfiniteTimeSpan;
                if (delay == Timeout.InfiniteTimeSpan || delay > TimeSpan.Zero)
                {
                    var flushed = _flushes.Reader.WaitToReadAsync(stoppingToken).AsTask();
                    await Task.WhenAny(flushed, changed.WaitAsync(delay, stoppingToken));
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            registry.Changed -= Wake;
        }
    }

    private void Follow(AlertRouter router) => router.Flushed += (flush, _) => _flushes.Writer.TryWrite(flush);

    private async Task ApplyAsync(GroupFlush flush, CancellationToken cancellationToken)
    {
        if (host.Router is not { } router || router.EscalationPolicyOf(flush) is not { } name || router.EscalationPolicy(name) is not { } chain)
        {
            return;
        }

        var firing = flush.Firing.Select(a => a.Fingerprint).ToList();
        var id = EscalationMachine.IdFor(flush.GroupKey, flush.Route.Receiver);
        try
        {
            if (await registry.SignalAsync(id, EscalationSignal.Alerts(firing), cancellationToken) is null && firing.Count > 0)
            {
                var started = await registry.StartAsync(EscalationMachine.Start(chain, flush.GroupKey, flush.Route.Receiver, firing, time.GetUtcNow()), cancellationToken);
                logger.LogInformation("Escalation {Id} ({Policy}) started for group {GroupKey}", started.Id, name, flush.GroupKey);
            }
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A level that could not be sent is tried again at the next step (at least once).
            logger.LogWarning("Escalation {Id} of group {GroupKey}: {Error}", id, flush.GroupKey, ex.Message);
        }
    }
}
