using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Storage;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// A rule group at run time (upstream's <c>rules.Group</c> without its timer): holds the group's
/// state between evaluations and runs one evaluation at a time (<see cref="EvaluateAsync"/>), the
/// unit a host calls from its loop or a Durable activity. Host-agnostic: samples and alerts come
/// back as data, state goes in and out as a <see cref="RuleGroupState"/>.
/// </summary>
/// <remarks>
/// <para>A host's loop: <c>Start</c> (first load) or <c>Resume</c> (saved state, or a reload); the
/// first slot is <see cref="RuleGroupSchedule.NextEvaluationAfter"/>(now); at each slot
/// <see cref="EvaluateAsync"/>, publish <see cref="RuleGroupEvaluation.Samples"/> through the sample
/// bus, hand <see cref="RuleGroupEvaluation.Alerts"/> to the notifier, keep <see cref="ExportState"/>;
/// when the timer fires, <see cref="RuleGroupSchedule.Advance"/>(last slot, now) gives the next slot
/// and the ticks missed.</para>
/// <para>One evaluation at a time; <see cref="GetStatus"/> and <see cref="ExportState"/> may be called
/// from other threads meanwhile and see the state between two rules.</para>
/// </remarks>
public sealed class RuleGroupEvaluator
{
    /// <summary>Evaluations before <c>for</c> state is restored: upstream waits for a second one so recording rules have caught up.</summary>
    private const int EvaluationsBeforeRestoring = 2;

    private readonly RuleEvaluationOptions _options;
    private readonly RuleRuntime[] _rules;
    private readonly Lock _gate = new();
    private List<LabelSet> _staleSeries;
    private long? _lastEvaluation;
    private long? _lastEvaluationTimestamp;
    private TimeSpan _evaluationTime;
    private int _evaluationsBeforeRestore;
    private int _evaluating;

    private RuleGroupEvaluator(RuleGroup group, RuleEvaluationOptions options, RuleRuntime[] rules, List<LabelSet> staleSeries)
    {
        Group = group;
        _options = options;
        _rules = rules;
        _staleSeries = staleSeries;
    }

    /// <summary>The group definition.</summary>
    public RuleGroup Group { get; }

    /// <summary>The query offset in effect: the group's, else the global default.</summary>
    public TimeSpan QueryOffset => Group.QueryOffset ?? _options.DefaultQueryOffset;

    /// <summary>
    /// A group without previous state. <paramref name="restoreForState"/>: true on the first load after
    /// a (re)start, so that alerts get their <c>for</c> state back from <c>ALERTS_FOR_STATE</c> after the
    /// second evaluation (and no <c>ALERTS</c> series are written before); false for a group added by a reload.
    /// </summary>
    public static RuleGroupEvaluator Start(RuleGroup group, RuleEvaluationOptions options, bool restoreForState)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TemplateExpander);
        var evaluator = new RuleGroupEvaluator(group, options, [.. group.Rules.Select(r => new RuleRuntime(r))], []);
        evaluator._evaluationsBeforeRestore = restoreForState && group.Rules.Any(r => r is AlertingRule) ? EvaluationsBeforeRestoring : 0;
        return evaluator;
    }

    /// <summary>
    /// A group that continues from <paramref name="state"/>. When the state belongs to this very
    /// definition the group goes on exactly where it stopped; otherwise the group was reloaded and
    /// takes over as upstream's <c>CopyState</c>: rules matched by name and labels (duplicates in
    /// order) keep their alerts and their series for staleness, health starts unknown, and the
    /// series of rules that are gone are marked stale at the next evaluation.
    /// </summary>
    /// <exception cref="ArgumentException">The state is another group's (upstream carries state only within a file and name).</exception>
    public static RuleGroupEvaluator Resume(RuleGroup group, RuleEvaluationOptions options, RuleGroupState state)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.TemplateExpander);
        ArgumentNullException.ThrowIfNull(state);
        if (state.Name != group.Name || state.File != group.File)
        {
            throw new ArgumentException($"the state of group {state.Name} of {state.File} cannot resume group {group.Name} of {group.File}", nameof(state));
        }
        if (state.Fingerprint == group.Fingerprint
            && state.Rules.Count == group.Rules.Count
            && state.Rules.Select(r => r.Key).SequenceEqual(group.Rules.Select(r => r.Key), StringComparer.Ordinal))
        {
            var same = new RuleGroupEvaluator(group, options, [.. group.Rules.Select((r, i) => RuleRuntime.FromState(r, state.Rules[i]))], [.. state.StaleSeries])
            {
                _lastEvaluation = state.LastEvaluation,
                _lastEvaluationTimestamp = state.LastEvaluationTimestamp,
                _evaluationTime = state.EvaluationTime,
                _evaluationsBeforeRestore = state.EvaluationsBeforeRestore,
            };
            return same;
        }

        return Reloaded(group, options, state);
    }

    /// <summary>
    /// Evaluates every rule in file order at slot <paramref name="timestampUnixNano"/>: each query runs
    /// at the slot less the query offset over <paramref name="storage"/> plus the output of the rules
    /// before it; a failing rule gets health <c>err</c> and the others go on. Returns the samples to
    /// write and the alerts to send.
    /// </summary>
    /// <exception cref="OperationCanceledException"><paramref name="cancellationToken"/> was canceled (the evaluation stops between or within rules).</exception>
    /// <exception cref="InvalidOperationException">Another evaluation of this group is running.</exception>
    public async Task<RuleGroupEvaluation> EvaluateAsync(long timestampUnixNano, ISeriesSource storage, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(storage);
        if (Interlocked.Exchange(ref _evaluating, 1) != 0)
        {
            throw new InvalidOperationException($"group {Group.Name} of {Group.File} is already being evaluated");
        }

        try
        {
            return await EvaluateCoreAsync(timestampUnixNano, storage, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Volatile.Write(ref _evaluating, 0);
        }
    }

    /// <summary>
    /// Stale markers for every series the group wrote, for a group that a reload removed (upstream
    /// writes them two intervals after the group stopped unless the host stops first), stamped at
    /// <paramref name="timestampUnixNano"/> less the query offset.
    /// </summary>
    public IReadOnlyList<SeriesSamples> StaleMarkersForRemoval(long timestampUnixNano)
    {
        var ms = RuleTime.ToMilliseconds(timestampUnixNano - RuleTime.ToNanos(QueryOffset));
        lock (_gate)
        {
            var all = new HashSet<LabelSet>(_staleSeries);
            foreach (var r in _rules)
            {
                all.UnionWith(r.Series);
            }

            return [.. all.Select(l => Stale(l, ms))];
        }
    }

    /// <summary>The state to persist until the next evaluation.</summary>
    public RuleGroupState ExportState()
    {
        lock (_gate)
        {
            return new RuleGroupState
            {
                Name = Group.Name,
                File = Group.File,
                Fingerprint = Group.Fingerprint,
                LastEvaluation = _lastEvaluation,
                LastEvaluationTimestamp = _lastEvaluationTimestamp,
                EvaluationTime = _evaluationTime,
                EvaluationsBeforeRestore = _evaluationsBeforeRestore,
                Rules = [.. _rules.Select(r => r.ToState())],
                StaleSeries = [.. _staleSeries],
            };
        }
    }

    /// <summary>The group and its rules as <c>/api/v1/rules</c> shows them.</summary>
    public RuleGroupStatus GetStatus()
    {
        lock (_gate)
        {
            return new RuleGroupStatus
            {
                Name = Group.Name,
                File = Group.File,
                Interval = Group.Interval,
                Limit = Group.Limit,
                EvaluationTime = _evaluationTime,
                LastEvaluation = _lastEvaluation,
                LastEvaluationTimestamp = _lastEvaluationTimestamp,
                Rules = [.. _rules.Select(r => r.ToStatus())],
            };
        }
    }

    private static RuleGroupEvaluator Reloaded(RuleGroup group, RuleEvaluationOptions options, RuleGroupState from)
    {
        // Old rules by name and labels; duplicates are matched first with first.
        var byKey = new Dictionary<string, Queue<int>>(StringComparer.Ordinal);
        for (var i = 0; i < from.Rules.Count; i++)
        {
            if (!byKey.TryGetValue(from.Rules[i].Key, out var indexes))
            {
                indexes = new Queue<int>();
                byKey[from.Rules[i].Key] = indexes;
            }

            indexes.Enqueue(i);
        }

        var rules = new RuleRuntime[group.Rules.Count];
        for (var i = 0; i < rules.Length; i++)
        {
            var rule = group.Rules[i];
            rules[i] = new RuleRuntime(rule);
            if (byKey.TryGetValue(rule.Key, out var indexes) && indexes.TryDequeue(out var fi))
            {
                var old = from.Rules[fi];
                rules[i].Series = [.. old.Series];
                if (rule is AlertingRule)
                {
                    foreach (var a in old.Alerts)
                    {
                        rules[i].Active[a.Labels] = AlertInstance.From(a);
                    }
                }
            }
        }

        var stale = new List<LabelSet>(from.StaleSeries);
        foreach (var indexes in byKey.Values)
        {
            foreach (var fi in indexes)
            {
                stale.AddRange(from.Rules[fi].Series);
            }
        }

        return new RuleGroupEvaluator(group, options, rules, stale)
        {
            _lastEvaluation = from.LastEvaluation,
            _evaluationTime = from.EvaluationTime,
        };
    }

    private async Task<RuleGroupEvaluation> EvaluateCoreAsync(long ts, ISeriesSource storage, CancellationToken cancellationToken)
    {
        var clock = _options.TimeProvider;
        var groupStart = RuleTime.FromDateTimeOffset(clock.GetUtcNow());
        var groupTimer = clock.GetTimestamp();
        var queryTs = ts - RuleTime.ToNanos(QueryOffset);
        var queryMs = RuleTime.ToMilliseconds(queryTs);
        var overlay = new EvaluationOverlay(storage);
        var engine = new PromQLEngine(overlay, _options.EngineOptions);
        RuleQueryFunc query = (text, ms, ct) => QueryAsync(engine, Parser.ParseExpr(text), ms, ct);

        // Until for state is restored, no ALERTS series (alerts are still sent).
        var writeAlertSeries = _evaluationsBeforeRestore == 0;
        var resendDelay = RuleTime.ToNanos(_options.ResendDelay);
        var validFor = 4 * Math.Max(RuleTime.ToNanos(Group.Interval), resendDelay);

        var samples = new List<SeriesSamples>();
        var notifications = new List<AlertNotification>();
        var vector = new List<(LabelSet Labels, double Value)>();
        var returned = 0;
        var failures = 0;
        foreach (var runtime in _rules)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var ruleStart = RuleTime.FromDateTimeOffset(clock.GetUtcNow());
            var ruleTimer = clock.GetTimestamp();
            vector.Clear();
            string? error = null;
            try
            {
                var results = await QueryAsync(engine, runtime.Rule.Query, queryMs, cancellationToken).ConfigureAwait(false);
                if (runtime.Rule is AlertingRule alerting)
                {
                    var current = await AlertingRuleEvaluation.BuildAsync(alerting, results, ts, _options, query, cancellationToken).ConfigureAwait(false);
                    lock (_gate)
                    {
                        AlertingRuleEvaluation.Step(alerting, runtime.Active, current, ts, writeAlertSeries, Group.Limit, vector);
                    }
                }
                else
                {
                    RecordingRuleEvaluation.Apply((RecordingRule)runtime.Rule, results, Group.Limit, vector);
                }
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                error = e.Message;
            }

            cancellationToken.ThrowIfCancellationRequested();
            lock (_gate)
            {
                if (error is not null)
                {
                    // As upstream: no samples, no stale markers, nothing sent; the series stay as they were.
                    failures++;
                    runtime.Health = RuleHealth.Err;
                    runtime.LastError = error;
                    _options.Logger.LogWarning("Evaluating rule failed: group {Group}, rule {Rule}: {Error}", Group.Name, runtime.Rule.Name, error);
                }
                else
                {
                    runtime.Health = RuleHealth.Ok;
                    runtime.LastError = null;
                    returned += vector.Count;
                    if (runtime.Rule is AlertingRule)
                    {
                        Send(runtime, ts, resendDelay, validFor, notifications);
                    }

                    Append(runtime, overlay, vector, queryMs, samples);
                }

                runtime.EvaluationTime = clock.GetElapsedTime(ruleTimer);
                runtime.LastEvaluation = ruleStart;
            }
        }

        lock (_gate)
        {
            // Series of rules a reload removed.
            foreach (var labels in _staleSeries)
            {
                if (overlay.Add(labels, queryMs, StaleMarker.Value, out _) == OverlayAdd.Added)
                {
                    samples.Add(Stale(labels, queryMs));
                }
            }

            _staleSeries = [];
        }

        var duration = clock.GetElapsedTime(groupTimer);
        bool restore;
        lock (_gate)
        {
            _evaluationTime = duration;
            _lastEvaluation = groupStart;
            _lastEvaluationTimestamp = ts;
            restore = _evaluationsBeforeRestore > 0 && --_evaluationsBeforeRestore == 0;
        }

        if (restore)
        {
            // As upstream: right after the second evaluation, at the wall clock's now, from storage.
            var now = RuleTime.FromDateTimeOffset(clock.GetUtcNow());
            var restored = await ForStateRestore.RestoreAsync(_rules, storage, now, _options, cancellationToken).ConfigureAwait(false);
            lock (_gate)
            {
                foreach (var (alert, activeAt) in restored)
                {
                    alert.ActiveAt = activeAt;
                }
            }
        }

        return new RuleGroupEvaluation
        {
            TimestampUnixNano = ts,
            Samples = samples,
            Alerts = notifications,
            SamplesReturned = returned,
            RuleEvaluations = _rules.Length,
            RuleFailures = failures,
            Duration = duration,
            RestoredForState = restore,
        };
    }

    /// <summary>Upstream's <c>sendAlerts</c>: alerts due for (re)sending, stamped as sent.</summary>
    private void Send(RuleRuntime runtime, long ts, long resendDelay, long validFor, List<AlertNotification> notifications)
    {
        var rule = runtime.Rule;
        string? url = null;
        foreach (var a in runtime.Active.Values)
        {
            if (!a.NeedsSending(ts, resendDelay))
            {
                continue;
            }

            a.LastSentAt = ts;
            a.ValidUntil = ts + validFor;
            url ??= GeneratorUrl.For(_options.ExternalUrl, rule.QueryText);
            notifications.Add(new AlertNotification(a.Labels, a.Annotations, a.FiredAt, a.ResolvedAt ?? a.ValidUntil.Value, url, rule.QueryText));
        }
    }

    /// <summary>
    /// Writes the rule's samples (into the overlay, for later rules, and the output), then stale
    /// markers for the series it wrote last time and not now. A sample that clashes with one an
    /// earlier rule wrote at the same time is dropped with upstream's append error.
    /// </summary>
    private static void Append(RuleRuntime runtime, EvaluationOverlay overlay, List<(LabelSet Labels, double Value)> vector, long ms, List<SeriesSamples> samples)
    {
        var written = new HashSet<LabelSet>(vector.Count);
        foreach (var (labels, value) in vector)
        {
            switch (overlay.Add(labels, ms, value, out var existing))
            {
                case OverlayAdd.Added:
                    written.Add(labels);
                    samples.Add(new SeriesSamples(labels, [new Sample(ms, value)]));
                    break;
                case OverlayAdd.Identical:
                    written.Add(labels);
                    break;
                default:
                    runtime.Health = RuleHealth.Err;
                    runtime.LastError = DuplicateSample(ms, existing, value);
                    break;
            }
        }

        foreach (var labels in runtime.Series)
        {
            // A clash here means another rule wrote the series now: no marker, as upstream.
            if (!written.Contains(labels) && overlay.Add(labels, ms, StaleMarker.Value, out _) == OverlayAdd.Added)
            {
                samples.Add(Stale(labels, ms));
            }
        }

        runtime.Series = written;
    }

    /// <summary>Upstream's <c>errDuplicateSampleForTimestamp</c> text.</summary>
    private static string DuplicateSample(long ms, double existing, double value) =>
        ms == 0
            ? "duplicate sample for timestamp"
            : string.Create(CultureInfo.InvariantCulture, $"duplicate sample for timestamp {ms}; overrides not allowed: existing {GoFloat.FormatG(existing)}, new value {GoFloat.FormatG(value)}");

    private static SeriesSamples Stale(LabelSet labels, long ms) => new(labels, [new Sample(ms, StaleMarker.Value)]);

    /// <summary>Upstream's <c>EngineQueryFunc</c>: an instant query; a scalar becomes one series without labels.</summary>
    private static async Task<IReadOnlyList<ResultSeries>> QueryAsync(PromQLEngine engine, Expr expr, long ms, CancellationToken cancellationToken)
    {
        var result = await engine.InstantQueryAsync(expr, ms, cancellationToken).ConfigureAwait(false);
        return result.Type switch
        {
            ExprType.Vector => result.Series,
            ExprType.Scalar => [new ResultSeries(LabelSet.Empty, [result.Scalar])],
            _ => throw new RuleEvaluationException("rule result is not a vector or scalar"),
        };
    }
}
