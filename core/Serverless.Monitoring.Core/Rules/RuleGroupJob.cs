using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Jobs;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Rules;

/// <summary>
/// One evaluation of one rule group at one slot of its grid: the group's rules run against storage,
/// their samples (recorded series, <c>ALERTS</c>, <c>ALERTS_FOR_STATE</c>, stale markers) go to the
/// sample bus, and the alerts due for sending go to the notifier's queue. Not retried: the next slot
/// evaluates again, as upstream. Counted under upstream's <c>prometheus_rule_*</c> names.
/// </summary>
public sealed class RuleGroupJob : IJob<RuleGroupTick, RuleGroupEvaluation?>
{
    public const string JobName = "RuleGroup";

    private readonly IRuleGroups _rules;
    private readonly Func<Task<ISeriesSource>> _storage;
    private readonly Func<IReadOnlyList<SeriesSamples>, CancellationToken, Task> _publish;
    private readonly NotificationManager _notifier;
    private readonly Gauge _lastDuration;
    private readonly Gauge _lastEvaluation;
    private readonly Gauge _lastSamples;
    private readonly Gauge _interval;
    private readonly Gauge _rulesInGroup;
    private readonly Counter _evaluations;
    private readonly Counter _failures;
    private readonly Counter _iterations;
    private readonly Counter _missed;

    /// <param name="rules">The running groups (in memory, or loaded from storage per evaluation).</param>
    /// <param name="storage">What rules query (the storage engine's series).</param>
    /// <param name="publish">Writes the evaluation's samples through the sample bus.</param>
    /// <param name="notifier">Takes the alerts due for sending.</param>
    /// <param name="metrics">Receives the rule metrics.</param>
    public RuleGroupJob(
        IRuleGroups rules,
        Func<Task<ISeriesSource>> storage,
        Func<IReadOnlyList<SeriesSamples>, CancellationToken, Task> publish,
        NotificationManager notifier,
        MetricRegistry metrics)
    {
        ArgumentNullException.ThrowIfNull(metrics);
        _rules = rules ?? throw new ArgumentNullException(nameof(rules));
        _storage = storage ?? throw new ArgumentNullException(nameof(storage));
        _publish = publish ?? throw new ArgumentNullException(nameof(publish));
        _notifier = notifier ?? throw new ArgumentNullException(nameof(notifier));
        _lastDuration = metrics.CreateGauge("prometheus_rule_group_last_duration_seconds", "The duration of the last rule group evaluation.", "rule_group");
        _lastEvaluation = metrics.CreateGauge("prometheus_rule_group_last_evaluation_timestamp_seconds", "The timestamp of the last rule group evaluation in seconds.", "rule_group");
        _lastSamples = metrics.CreateGauge("prometheus_rule_group_last_evaluation_samples", "The number of samples returned during the last rule group evaluation.", "rule_group");
        _interval = metrics.CreateGauge("prometheus_rule_group_interval_seconds", "The interval of a rule group.", "rule_group");
        _rulesInGroup = metrics.CreateGauge("prometheus_rule_group_rules", "The number of rules.", "rule_group");
        _evaluations = metrics.CreateCounter("prometheus_rule_evaluations_total", "The total number of rule evaluations.", "rule_group");
        _failures = metrics.CreateCounter("prometheus_rule_evaluation_failures_total", "The total number of rule evaluation failures.", "rule_group");
        _iterations = metrics.CreateCounter("prometheus_rule_group_iterations_total", "The total number of scheduled rule group evaluations, whether executed or missed.", "rule_group");
        _missed = metrics.CreateCounter("prometheus_rule_group_iterations_missed_total", "The total number of rule group evaluations missed due to slow rule group evaluation.", "rule_group");
    }

    public string Name => JobName;

    public RetryPolicy Retry => RetryPolicy.None;

    public LogLevel SuccessLevel => LogLevel.Debug;

    /// <returns>The evaluation, or null when the group is no longer loaded (a reload removed it).</returns>
    public async Task<RuleGroupEvaluation?> RunAsync(RuleGroupTick input, CancellationToken cancellationToken)
    {
        if (await _rules.AcquireAsync(input.GroupKey, cancellationToken).ConfigureAwait(false) is not { } group)
        {
            return null;
        }

        var storage = await _storage().ConfigureAwait(false);
        var evaluation = await group.EvaluateAsync(input.SlotUnixNano, storage, cancellationToken).ConfigureAwait(false);
        await _rules.ReleaseAsync(input.GroupKey, group, cancellationToken).ConfigureAwait(false);
        if (evaluation.Samples.Count > 0)
        {
            await _publish(evaluation.Samples, cancellationToken).ConfigureAwait(false);
        }

        if (evaluation.Alerts.Count > 0)
        {
            _notifier.Enqueue(evaluation.Alerts.Select(ToNotifierAlert));
        }

        var key = input.GroupKey;
        _lastDuration.WithLabels(key).Set(evaluation.Duration.TotalSeconds);
        _lastEvaluation.WithLabels(key).Set(input.SlotUnixNano / (double)RuleTime.NanosPerSecond);
        _lastSamples.WithLabels(key).Set(evaluation.SamplesReturned);
        _interval.WithLabels(key).Set(group.Group.Interval.TotalSeconds);
        _rulesInGroup.WithLabels(key).Set(group.Group.Rules.Count);
        _evaluations.WithLabels(key).Inc(evaluation.RuleEvaluations);
        _failures.WithLabels(key).Inc(evaluation.RuleFailures);
        _iterations.WithLabels(key).Inc(1 + input.Missed);
        _missed.WithLabels(key).Inc(input.Missed);
        return evaluation;
    }

    public string Describe(RuleGroupEvaluation? result) => result is null
        ? "the group is no longer loaded"
        : string.Create(CultureInfo.InvariantCulture,
            $"{result.RuleEvaluations} rules in {result.Duration.TotalMilliseconds:0.###} ms: {result.SamplesReturned} samples, {result.Alerts.Count} alerts to send, {result.RuleFailures} failed");

    public IEnumerable<string> Warnings(RuleGroupEvaluation? result)
    {
        if (result is { RuleFailures: > 0 })
        {
            yield return $"{result.RuleFailures} rules failed (their lastError is in /api/v1/rules)";
        }
    }

    private static NotifierAlert ToNotifierAlert(AlertNotification alert) => new(
        alert.Labels,
        LabelSet.Create([.. alert.Annotations]),
        alert.StartsAt is { } starts ? RuleTime.ToDateTimeOffset(starts) : DateTimeOffset.MinValue,
        RuleTime.ToDateTimeOffset(alert.EndsAt),
        alert.GeneratorUrl);
}

/// <summary>One slot of a group's grid, and how many slots before it were skipped.</summary>
public readonly record struct RuleGroupTick(string GroupKey, long SlotUnixNano, long Missed = 0);
