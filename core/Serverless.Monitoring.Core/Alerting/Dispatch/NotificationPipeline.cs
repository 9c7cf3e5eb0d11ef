using Serverless.Monitoring.Core.Alerting.Inhibit;
using Serverless.Monitoring.Core.Alerting.NotificationLog;
using Serverless.Monitoring.Core.Alerting.Silences;

namespace Serverless.Monitoring.Core.Alerting.Dispatch;

/// <summary>
/// What happens to a flush (Alertmanager's <c>notify</c> pipeline, in its order): inhibited alerts out;
/// nothing at all outside the route's active time intervals or inside a mute interval; silenced alerts
/// out; then for each integration of the receiver, in parallel: wait (the peer position, 0 here), dedup
/// against the notification log, notify with exponential backoff until the flush's deadline, and on
/// success log what was sent. The flush succeeds when every integration did (or had nothing to do).
/// </summary>
public sealed class NotificationPipeline
{
    private readonly Inhibitor _inhibitor;
    private readonly SilenceStore _silences;
    private readonly Func<string, DateTimeOffset, bool> _inTimeInterval;
    private readonly NotificationLogStore _log;
    private readonly Func<string, IReadOnlyList<INotificationIntegration>> _integrations;
    private readonly TimeProvider _time;
    private readonly RetryBackoff _backoff;

    /// <param name="inTimeInterval">Whether a named time interval contains a time (the configuration's time intervals).</param>
    /// <param name="integrations">A receiver's integrations by receiver name.</param>
    public NotificationPipeline(
        Inhibitor inhibitor,
        SilenceStore silences,
        Func<string, DateTimeOffset, bool> inTimeInterval,
        NotificationLogStore log,
        Func<string, IReadOnlyList<INotificationIntegration>> integrations,
        TimeProvider time,
        RetryBackoff? backoff = null)
    {
        _inhibitor = inhibitor;
        _silences = silences;
        _inTimeInterval = inTimeInterval;
        _log = log;
        _integrations = integrations;
        _time = time;
        _backoff = backoff ?? new RetryBackoff();
    }

    /// <summary>Runs the flush; true when it may count as delivered (the dispatcher then drops sent resolved alerts).</summary>
    public async Task<PipelineResult> RunAsync(GroupFlush flush, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(flush);
        var now = flush.Now;
        var alerts = flush.Alerts.Where(a => !_inhibitor.Mutes(a.Labels, now)).ToList();
        var route = flush.Route;
        if (route.ActiveTimeIntervals.Count > 0 && !route.ActiveTimeIntervals.Any(n => _inTimeInterval(n, now)))
        {
            return PipelineResult.Done("outside active time intervals");
        }

        if (route.MuteTimeIntervals.Any(n => _inTimeInterval(n, now)))
        {
            return PipelineResult.Done("inside a mute time interval");
        }

        alerts = [.. alerts.Where(a => _silences.Mutes(a.Labels).Count == 0)];
        if (alerts.Count == 0)
        {
            return PipelineResult.Done("nothing left to send");
        }

        var integrations = _integrations(route.Receiver);
        var outcomes = await Task.WhenAll(integrations.Select(i => RunIntegrationAsync(flush, i, alerts, cancellationToken)));
        var errors = outcomes.Where(o => o is not null).Select(o => o!).ToList();
        return new PipelineResult(errors.Count == 0, errors);
    }

    private async Task<string?> RunIntegrationAsync(GroupFlush flush, INotificationIntegration integration, List<Alert> alerts, CancellationToken cancellationToken)
    {
        // Firing alerts carry no end in a flush; resolved ones do.
        var firing = alerts.Where(a => a.EndsAt is null).Select(a => AlertHash.Of(a.Labels)).ToHashSet();
        var resolved = alerts.Where(a => a.EndsAt is not null).Select(a => AlertHash.Of(a.Labels)).ToHashSet();
        var entry = _log.Query(flush.GroupKey, integration.Receiver);
        if (!Dedup.NeedsUpdate(entry, firing, resolved, integration.SendResolved, flush.Route.RepeatInterval, flush.Now))
        {
            return null;
        }

        var sent = GroupFlush.ToSend(alerts, integration.SendResolved);
        if (sent.Count > 0 && await NotifyWithRetryAsync(flush, integration, sent, cancellationToken) is { } error)
        {
            return error;
        }

        _log.Log(integration.Receiver, flush.GroupKey, firing, resolved, 2 * flush.Route.RepeatInterval, _time.GetUtcNow());
        return null;
    }

    private async Task<string?> NotifyWithRetryAsync(GroupFlush flush, INotificationIntegration integration, List<Alert> alerts, CancellationToken cancellationToken)
    {
        var remaining = flush.Deadline - _time.GetUtcNow();
        if (remaining <= TimeSpan.Zero)
        {
            return $"{integration.Receiver.GroupName}/{integration.Receiver.Integration}[{integration.Receiver.Index}]: notify retry canceled after 0 attempts: deadline passed";
        }

        using var deadline = new CancellationTokenSource(remaining, _time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        string? lastError = null;
        for (var attempt = 1; ; attempt++)
        {
            NotifyResult result;
            try
            {
                result = await integration.NotifyAsync(flush, alerts, linked.Token);
            }
            catch (OperationCanceledException) when (linked.IsCancellationRequested)
            {
                return Canceled(integration, attempt, lastError ?? "context deadline exceeded");
            }

            if (result.Succeeded)
            {
                return null;
            }

            lastError = result.Error;
            if (!result.Retry)
            {
                return $"{Name(integration)}: notify retry canceled due to unrecoverable error after {attempt} attempts: {lastError}";
            }

            try
            {
                await Task.Delay(_backoff.Delay(attempt), _time, linked.Token);
            }
            catch (OperationCanceledException)
            {
                return Canceled(integration, attempt, lastError);
            }
        }
    }

    private static string Name(INotificationIntegration i) => $"{i.Receiver.GroupName}/{i.Receiver.Integration}[{i.Receiver.Index}]";

    private static string Canceled(INotificationIntegration i, int attempts, string? error) =>
        $"{Name(i)}: notify retry canceled after {attempts} attempts: {error}";
}

/// <summary>The pipeline's outcome: success, and each failed integration's reason (or why nothing was sent).</summary>
public sealed record PipelineResult(bool Success, IReadOnlyList<string> Errors)
{
    public string? Note { get; init; }

    internal static PipelineResult Done(string note) => new(true, []) { Note = note };
}
