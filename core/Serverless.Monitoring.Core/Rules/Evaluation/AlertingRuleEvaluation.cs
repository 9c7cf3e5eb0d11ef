using System.Globalization;
using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>Upstream's <c>AlertingRule.Eval</c>: from a query result to alerts, their state machine and their series.</summary>
internal static class AlertingRuleEvaluation
{
    /// <summary>Upstream's <c>ErrDuplicateAlertLabelSet</c>.</summary>
    public const string DuplicateLabelSet = "vector contains metrics with the same labelset after applying alert labels";

    /// <summary>How long a resolved alert is kept (and re-sent).</summary>
    public static readonly long ResolvedRetentionNanos = RuleTime.ToNanos(TimeSpan.FromMinutes(15));

    private const string AlertsMetric = "ALERTS";
    private const string ForStateMetric = "ALERTS_FOR_STATE";
    private const string AlertNameLabel = "alertname";
    private const string AlertStateLabel = "alertstate";

    /// <summary>
    /// One alert per result series, pending and active since <paramref name="ts"/>, its labels and
    /// annotations expanded. Touches no state, so it may await the template expander.
    /// </summary>
    /// <exception cref="RuleEvaluationException">Two series give the same alert labels.</exception>
    public static async Task<Dictionary<LabelSet, AlertInstance>> BuildAsync(
        AlertingRule rule,
        IReadOnlyList<ResultSeries> results,
        long ts,
        RuleEvaluationOptions options,
        RuleQueryFunc query,
        CancellationToken cancellationToken)
    {
        var alerts = new Dictionary<LabelSet, AlertInstance>(results.Count);
        var builder = new LabelSetBuilder();
        foreach (var result in results)
        {
            var value = result.Points.Count > 0 ? result.Points[0].Value : double.NaN;
            builder.Clear();
            foreach (var l in result.Labels)
            {
                builder.Set(l.Name, l.Value);
            }

            builder.Delete(LabelValidation.MetricNameLabel);
            foreach (var l in rule.Labels)
            {
                builder.Set(l.Name, await ExpandAsync(l.Value).ConfigureAwait(false));
            }

            builder.Set(AlertNameLabel, rule.Name);
            var annotations = new Label[rule.Annotations.Count];
            for (var i = 0; i < annotations.Length; i++)
            {
                var a = rule.Annotations[i];
                annotations[i] = new Label(a.Name, await ExpandAsync(a.Value).ConfigureAwait(false));
            }

            var labels = builder.Build();
            if (!alerts.TryAdd(labels, new AlertInstance
            {
                Labels = labels,
                Annotations = annotations,
                ActiveAt = ts,
                State = AlertState.Pending,
                Value = value,
            }))
            {
                throw new RuleEvaluationException(DuplicateLabelSet);
            }

            async ValueTask<string> ExpandAsync(string text)
            {
                // Text without an action renders as itself: no need to run the engine.
                if (!text.Contains("{{", StringComparison.Ordinal))
                {
                    return text;
                }

                var request = new AlertTemplateRequest(
                    AlertTemplate.NameFor(rule.Name), text, result.Labels, value, options.ExternalLabels, options.ExternalUrl, ts, query);
                try
                {
                    return await options.TemplateExpander.ExpandAsync(request, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    options.Logger.LogWarning("Expanding alert template failed: alert {Alert}: {Error}", rule.Name, e.Message);
                    return AlertTemplate.ErrorText(e.Message);
                }
            }
        }

        return alerts;
    }

    /// <summary>
    /// Merges this evaluation's alerts into <paramref name="active"/> and steps every alert's state
    /// (pending → firing after <c>for</c>, keep firing, resolve, forget), appending <c>ALERTS</c> and
    /// <c>ALERTS_FOR_STATE</c> to <paramref name="output"/> when <paramref name="writeSeries"/>.
    /// </summary>
    /// <exception cref="RuleEvaluationException">More alerts than <paramref name="limit"/>: all of the rule's alerts are dropped.</exception>
    public static void Step(
        AlertingRule rule,
        Dictionary<LabelSet, AlertInstance> active,
        Dictionary<LabelSet, AlertInstance> current,
        long ts,
        bool writeSeries,
        int limit,
        List<(LabelSet Labels, double Value)> output)
    {
        foreach (var (labels, alert) in current)
        {
            // A known, still active alert keeps its ActiveAt and takes the new value and annotations;
            // a resolved one is replaced by the new pending alert.
            if (active.TryGetValue(labels, out var known) && known.State != AlertState.Inactive)
            {
                known.Value = alert.Value;
                known.Annotations = alert.Annotations;
                continue;
            }

            active[labels] = alert;
        }

        var holdNanos = RuleTime.ToNanos(rule.For);
        var keepFiringNanos = RuleTime.ToNanos(rule.KeepFiringFor);
        var ruleLabels = writeSeries ? RuleLabelsWithValues(rule) : null;
        var activeOrPending = 0;
        List<LabelSet>? forget = null;
        foreach (var (labels, a) in active)
        {
            if (!current.ContainsKey(labels))
            {
                var keepFiring = false;
                if (a.State == AlertState.Firing && keepFiringNanos > 0)
                {
                    a.KeepFiringSince ??= ts;
                    keepFiring = ts - a.KeepFiringSince.Value < keepFiringNanos;
                }

                // A pending alert that vanishes is forgotten; a resolved one after the retention.
                if (a.State == AlertState.Pending || (a.ResolvedAt is { } resolved && ts - resolved > ResolvedRetentionNanos))
                {
                    (forget ??= []).Add(labels);
                }

                if (a.State != AlertState.Inactive && !keepFiring)
                {
                    a.State = AlertState.Inactive;
                    a.ResolvedAt = ts;
                }

                if (!keepFiring)
                {
                    continue;
                }
            }
            else
            {
                a.KeepFiringSince = null;
            }

            activeOrPending++;
            if (a.State == AlertState.Pending && ts - a.ActiveAt >= holdNanos)
            {
                a.State = AlertState.Firing;
                a.FiredAt = ts;
            }

            // A longer `for` after a reload sends a firing alert back to pending.
            if (a.State == AlertState.Firing && ts - a.ActiveAt < holdNanos)
            {
                a.State = AlertState.Pending;
                a.FiredAt = null;
                a.LastSentAt = null;
                a.KeepFiringSince = null;
            }

            if (ruleLabels is not null)
            {
                output.Add((SeriesLabels(ruleLabels, a, AlertsMetric, rule.Name, RuleText.Of(a.State)), 1));
                output.Add((SeriesLabels(ruleLabels, a, ForStateMetric, rule.Name, null), RuleTime.ToUnixSeconds(a.ActiveAt)));
            }
        }

        if (forget is not null)
        {
            foreach (var labels in forget)
            {
                active.Remove(labels);
            }
        }

        if (limit > 0 && activeOrPending > limit)
        {
            active.Clear();
            output.Clear();
            throw new RuleEvaluationException(string.Create(CultureInfo.InvariantCulture, $"exceeded limit of {limit} with {activeOrPending} alerts"));
        }
    }

    /// <summary>Upstream's <c>ALERTS_FOR_STATE</c> selector for restoring: the rule's literal labels (templated ones skipped) and alertname.</summary>
    public static List<LabelMatcher> ForStateMatchers(AlertingRule rule)
    {
        var builder = new LabelSetBuilder();
        foreach (var l in rule.Labels)
        {
            builder.Set(l.Name, l.Value);
        }

        builder.Set(LabelValidation.MetricNameLabel, ForStateMetric).Set(AlertNameLabel, rule.Name);
        var matchers = new List<LabelMatcher>();
        foreach (var l in builder.Build())
        {
            if (!l.Value.Contains("{{", StringComparison.Ordinal))
            {
                matchers.Add(LabelMatcher.Equal(l.Name, l.Value));
            }
        }

        return matchers;
    }

    /// <summary>The rule's labels with a value, as written (unexpanded): the base of its series' labels, as upstream.</summary>
    private static Label[] RuleLabelsWithValues(AlertingRule rule) => [.. rule.Labels.Where(l => l.Value.Length > 0)];

    private static LabelSet SeriesLabels(Label[] ruleLabels, AlertInstance a, string metric, string alertName, string? state)
    {
        var builder = new LabelSetBuilder();
        foreach (var l in ruleLabels)
        {
            builder.Set(l.Name, l.Value);
        }

        foreach (var l in a.Labels)
        {
            builder.Set(l.Name, l.Value);
        }

        builder.Set(LabelValidation.MetricNameLabel, metric).Set(AlertNameLabel, alertName);
        if (state is not null)
        {
            builder.Set(AlertStateLabel, state);
        }

        return builder.Build();
    }
}
