using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>
/// Drives the RuleGroup job in the embedded server: each loaded group on its own grid (one loop per
/// group; the alerts it queues are sent by the <see cref="NotificationLoop"/>); a reload of <c>prometheus.yml</c> or its rule files replaces
/// the loops (the groups keep their state through the <see cref="RuleManager"/>).
/// </summary>
internal sealed class RuleLoop(
    PrometheusConfigSource configSource,
    RuleManager rules,
    RuleGroupJob job,
    NotificationManager notifier,
    JobRunner runner,
    RuleOutput output,
    TimeProvider time,
    ILogger<RuleLoop> logger) : BackgroundService
{
    private readonly SemaphoreSlim _gate = new(1, 1);
    private CancellationTokenSource? _running;
    private List<Task> _loops = [];

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        configSource.Changed += config => _ = ApplyAsync(config, stoppingToken);
        await ApplyAsync(configSource.LoadInitial(), stoppingToken);
        try
        {
            await Task.Delay(Timeout.Infinite, stoppingToken);
        }
        catch (OperationCanceledException)
        {
        }

        await StopLoopsAsync();
    }

    private async Task ApplyAsync(PrometheusConfig config, CancellationToken stoppingToken)
    {
        await _gate.WaitAsync(stoppingToken);
        try
        {
            await StopLoopsAsync();
            await notifier.ApplyConfigAsync(config, stoppingToken);
            var now = RuleTime.FromDateTimeOffset(time.GetUtcNow());
            var stale = rules.Apply(configSource.CurrentRules, config, now);
            if (stale.Count > 0)
            {
                await output.PublishAsync(stale, stoppingToken);
            }

            _running = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            _loops = [.. rules.Schedules().Select(g => RunGroupAsync(g.Key, g.Schedule, _running.Token))];
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(ex, "Applying the rule groups failed");
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task StopLoopsAsync()
    {
        if (_running is { } running)
        {
            await running.CancelAsync();
            await Task.WhenAll(_loops).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            running.Dispose();
            _running = null;
        }
    }

    private async Task RunGroupAsync(string key, RuleGroupSchedule schedule, CancellationToken cancellationToken)
    {
        var slot = schedule.NextEvaluationAfter(RuleTime.FromDateTimeOffset(time.GetUtcNow()));
        long missed = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var wait = RuleTime.ToDateTimeOffset(slot) - time.GetUtcNow();
            try
            {
                if (wait > TimeSpan.Zero)
                {
                    await Task.Delay(wait, time, cancellationToken);
                }

                await runner.RunAsync(job, new RuleGroupTick(key, slot, missed), cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception)
            {
                // The runner has logged it; the next slot evaluates again.
            }

            (slot, missed) = schedule.Advance(slot, RuleTime.FromDateTimeOffset(time.GetUtcNow()));
        }
    }

    public override void Dispose()
    {
        _gate.Dispose();
        _running?.Dispose();
        base.Dispose();
    }
}
