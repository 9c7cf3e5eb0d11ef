using Microsoft.Extensions.Logging;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL.Engine;

namespace Serverless.Monitoring.Core.Rules.Evaluation;

/// <summary>
/// Upstream's <c>Group.RestoreForState</c>: after a restart, an alert that was pending or firing
/// before gets back its <c>ActiveAt</c> from the last <c>ALERTS_FOR_STATE</c> sample within the
/// outage tolerance, shifted by the downtime, and never fires sooner than the grace period.
/// </summary>
internal static class ForStateRestore
{
    /// <summary>The restored ActiveAt of each alert that has one; the caller applies them.</summary>
    public static async Task<List<(AlertInstance Alert, long ActiveAt)>> RestoreAsync(
        IReadOnlyList<RuleRuntime> rules,
        ISeriesSource storage,
        long now,
        RuleEvaluationOptions options,
        CancellationToken cancellationToken)
    {
        var maxMs = RuleTime.ToMilliseconds(now);
        var minMs = RuleTime.ToMilliseconds(now - RuleTime.ToNanos(options.OutageTolerance));
        var grace = RuleTime.ToNanos(options.ForGracePeriod);
        var restored = new List<(AlertInstance, long)>();
        foreach (var runtime in rules)
        {
            // A `for` shorter than the grace period would only be lengthened by restoring: skipped.
            if (runtime.Rule is not AlertingRule rule || rule.For < options.ForGracePeriod || runtime.Active.Count == 0)
            {
                continue;
            }

            // The alerts are only read here: the evaluator is between evaluations.
            var alerts = runtime.Active.Values.ToList();

            IReadOnlyList<ISourceSeries> found;
            try
            {
                found = await storage.SelectAsync(AlertingRuleEvaluation.ForStateMatchers(rule), minMs, maxMs, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // As upstream: no retry; the rule counts as restored and its alerts wait their full `for`.
                options.Logger.LogError("Failed to restore 'for' state: alert {Alert}: {Error}", rule.Name, e.Message);
                continue;
            }

            var last = new Dictionary<LabelSet, (long T, double V)>(found.Count);
            foreach (var series in found)
            {
                if (LastSample(series, minMs, maxMs) is { } sample)
                {
                    last[series.Labels.WithoutMetricName()] = sample;
                }
            }

            var hold = RuleTime.ToNanos(rule.For);
            foreach (var alert in alerts)
            {
                if (!last.TryGetValue(alert.Labels, out var s) || StaleMarker.IsStale(s.V))
                {
                    continue;
                }

                // Both to whole seconds, truncated, as upstream.
                var downAt = s.T / 1000 * RuleTime.NanosPerSecond;
                var activeAt = (long)s.V * RuleTime.NanosPerSecond;
                var remaining = hold - (downAt - activeAt);
                if (remaining <= 0)
                {
                    // It was firing: the stored ActiveAt stands, and the next evaluation fires it again.
                }
                else if (remaining < grace)
                {
                    activeAt = now + grace - hold;
                }
                else
                {
                    activeAt += now - downAt;
                }

                restored.Add((alert, activeAt));
            }
        }

        return restored;
    }

    private static (long T, double V)? LastSample(ISourceSeries series, long minMs, long maxMs)
    {
        (long, double)? last = null;
        var it = series.Iterator();
        if (it.Seek(minMs))
        {
            do
            {
                if (it.Timestamp > maxMs)
                {
                    break;
                }

                last = (it.Timestamp, it.Value);
            }
            while (it.MoveNext());
        }

        return last;
    }
}
