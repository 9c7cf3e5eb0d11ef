using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Runtime = Serverless.Monitoring.Core.Rules.Evaluation;

namespace Serverless.Monitoring.Core.Rules.Testing;

/// <summary>
/// One test group, run as promtool's <c>testGroup.test</c> runs it, over our real pieces: the
/// input series lazily into an <see cref="InMemorySeriesSource"/>; the rule files loaded and turned
/// into run-time groups; each group a <see cref="RuleGroupEvaluator"/> started without restoring
/// <c>for</c> state, which is promtool's "restored" mark (<c>ALERTS</c> written from the first
/// evaluation); at every evaluation time the groups in <c>group_eval_order</c>, each one's samples
/// written back before the next group runs; alert tests compared after their evaluation; query
/// tests at the end, through <see cref="PromQLEngine"/>. Returns the failures, in promtool's order and words.
/// </summary>
internal sealed class RuleTestGroupRun
{
    /// <summary>The query engine's settings under promtool (its lazy loader's): 10,000 samples, 100 s.</summary>
    private const int MaxSamples = 10_000;

    private const string AlertNameLabel = "alertname";

    private static readonly TimeSpan QueryTimeout = TimeSpan.FromSeconds(100);

    private readonly RuleTestGroup _test;
    private readonly TimeSpan _evaluationInterval;
    private readonly PromQLEngineOptions _engineOptions;
    private readonly InMemorySeriesSource _storage = new();
    private readonly List<string> _errors = [];

    private RuleTestGroupRun(RuleTestGroup test, TimeSpan evaluationInterval)
    {
        _test = test;
        _evaluationInterval = evaluationInterval;

        // A subquery without a step takes the evaluation interval, as in promtool.
        _engineOptions = new PromQLEngineOptions { DefaultEvaluationInterval = evaluationInterval, MaxSamples = MaxSamples, Timeout = QueryTimeout };
    }

    public static Task<IReadOnlyList<string>> RunAsync(RuleTestGroup test, RuleTestSetup setup, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(test);
        ArgumentNullException.ThrowIfNull(setup);
        return new RuleTestGroupRun(test, setup.EvaluationInterval).RunAsync(setup, cancellationToken);
    }

    private async Task<IReadOnlyList<string>> RunAsync(RuleTestSetup setup, CancellationToken cancellationToken)
    {
        var interval = _test.EffectiveInterval(_evaluationInterval);
        InputSeriesLoader input;
        try
        {
            input = InputSeriesLoader.Parse(_test.InputSeries, interval);
        }
        catch (PromQLParseException e)
        {
            return [e.Message];
        }

        List<Runtime.RuleGroup> groups;
        try
        {
            var files = setup.RuleFiles.Select(path => RuleFile.LoadFile(path, setup.RuleFileOptions)).ToList();

            // A group's own interval, else the test's (upstream loads the groups with it).
            groups = RuntimeRuleGroups.From(files, GlobalConfig.Default with { EvaluationInterval = interval });
        }
        catch (RuleFileException e)
        {
            return [.. e.Errors.Select(x => x.Message)];
        }

        if (_test.AlertRuleTests.FirstOrDefault(t => t.AlertName.Length == 0) is { } nameless)
        {
            return [RuleTestText.MissingAlertName(nameless.EvalTime, _test.Name)];
        }

        if (!LabelSet.TryCreate(LabelList.From(_test.ExternalLabels), out var externalLabels, out var labelError))
        {
            return [$"external_labels: {labelError}"];
        }

        var options = new RuleEvaluationOptions
        {
            TemplateExpander = setup.TemplateExpander,
            EngineOptions = _engineOptions,
            ExternalLabels = externalLabels,
            ExternalUrl = _test.ExternalUrl,
        };

        // group_eval_order is a partial order: groups it does not name rank with its first.
        var evaluators = groups
            .Select((g, i) => (Group: g, Index: i))
            .OrderBy(g => setup.GroupOrder.GetValueOrDefault(g.Group.Name))
            .ThenBy(g => g.Index)
            .Select(g => RuleGroupEvaluator.Start(g.Group, options, restoreForState: false))
            .ToList();

        if (!await EvaluateAsync(input, evaluators, cancellationToken).ConfigureAwait(false))
        {
            return _errors;
        }

        await CheckQueriesAsync(cancellationToken).ConfigureAwait(false);
        return _errors;
    }

    /// <summary>Every evaluation with its alert tests; false when a rule failed (promtool stops the group there).</summary>
    private async Task<bool> EvaluateAsync(InputSeriesLoader input, List<RuleGroupEvaluator> evaluators, CancellationToken cancellationToken)
    {
        var alertTimes = _test.AlertRuleTests.Select(t => t.EvalTime).Distinct().Order().ToList();
        var next = 0;
        foreach (var ts in RuleTestTimes.EvaluationTimes(RuleTestTimes.MaxEvalTime(_test), _evaluationInterval))
        {
            input.AppendUntil(RuleTime.ToMilliseconds(ts), _storage);
            var failed = false;
            foreach (var evaluator in evaluators)
            {
                var evaluation = await evaluator.EvaluateAsync(ts, _storage, cancellationToken).ConfigureAwait(false);
                foreach (var series in evaluation.Samples)
                {
                    foreach (var sample in series.Samples)
                    {
                        _storage.Add(series.Labels, sample.TimestampMs, sample.Value);
                    }
                }

                foreach (var rule in evaluator.GetStatus().Rules.Where(r => !string.IsNullOrEmpty(r.LastError)))
                {
                    _errors.Add(RuleTestText.RuleError(rule.Rule.Name, ts, rule.LastError!));
                    failed = true;
                }
            }

            if (failed)
            {
                return false;
            }

            for (; next < alertTimes.Count && RuleTestTimes.IsComparedAt(alertTimes[next], ts, _evaluationInterval); next++)
            {
                CheckAlerts(alertTimes[next], evaluators);
            }
        }

        return true;
    }

    /// <summary>The alert tests at <paramref name="evalTime"/> against the alerts firing now, all rules of a name together.</summary>
    private void CheckAlerts(TimeSpan evalTime, List<RuleGroupEvaluator> evaluators)
    {
        var tests = _test.AlertRuleTests.Where(t => t.EvalTime == evalTime).ToList();
        var names = tests.Select(t => t.AlertName).ToHashSet(StringComparer.Ordinal);
        var firing = new Dictionary<string, List<ComparedAlert>>(StringComparer.Ordinal);
        foreach (var rule in evaluators.SelectMany(e => e.GetStatus().Rules).Where(r => r.Rule is Runtime.AlertingRule && names.Contains(r.Rule.Name)))
        {
            if (!firing.TryGetValue(rule.Rule.Name, out var list))
            {
                firing[rule.Rule.Name] = list = [];
            }

            list.AddRange(rule.Alerts.Where(a => a.State == AlertState.Firing).Select(a => new ComparedAlert([.. a.Labels], LabelList.From(a.Annotations))));
        }

        foreach (var test in tests)
        {
            var got = firing.GetValueOrDefault(test.AlertName) ?? [];
            var expected = test.ExpectedAlerts.Select(a => new ComparedAlert(ExpectedLabels(a, test.AlertName), LabelList.From(a.Annotations))).ToList();
            got.Sort(ComparedAlert.Compare);
            expected.Sort(ComparedAlert.Compare);
            if (!ComparedAlert.SameAs(expected, got))
            {
                _errors.Add(RuleTestText.AlertMismatch(_test.Name, test.AlertName, evalTime, expected, got));
            }
        }
    }

    /// <summary><c>exp_labels</c> with <c>alertname</c> set to the test's (an <c>alertname</c> written there is overridden).</summary>
    private static Label[] ExpectedLabels(ExpectedAlert alert, string alertName)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (name, value) in alert.Labels)
        {
            map[name] = value;
        }

        map[AlertNameLabel] = alertName;
        return LabelList.From(map);
    }

    private async Task CheckQueriesAsync(CancellationToken cancellationToken)
    {
        var engine = new PromQLEngine(_storage, _engineOptions);
        foreach (var test in _test.PromqlExprTests)
        {
            List<ComparedSample> got;
            try
            {
                got = await QueryAsync(engine, test, cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is PromQLParseException or PromQLEvaluationException)
            {
                _errors.Add(RuleTestText.ExprError(test.Expr, test.EvalTime, e.Message));
                continue;
            }

            var expected = new List<ComparedSample>(test.ExpectedSamples.Count);
            string? labelsError = null;
            foreach (var sample in test.ExpectedSamples)
            {
                try
                {
                    expected.Add(new ComparedSample(ParseMetric(sample.Labels), sample.Value));
                }
                catch (PromQLParseException e)
                {
                    labelsError = RuleTestText.LabelsError(test.Expr, test.EvalTime, sample.Labels, e.Message);
                    break;
                }
            }

            if (labelsError is not null)
            {
                _errors.Add(labelsError);
                continue;
            }

            expected = ComparedSample.Sorted(expected);
            got = ComparedSample.Sorted(got);
            if (!ComparedSample.SameAs(expected, got))
            {
                _errors.Add(RuleTestText.ExprMismatch(test.Expr, test.EvalTime, expected, got));
            }
        }
    }

    /// <summary>Upstream's query for tests: an instant query; a scalar is one sample without labels.</summary>
    private static async Task<List<ComparedSample>> QueryAsync(PromQLEngine engine, PromqlExprTest test, CancellationToken cancellationToken)
    {
        var expr = Parser.ParseExpr(test.Expr);
        var result = await engine.InstantQueryAsync(expr, (long)test.EvalTime.TotalMilliseconds, cancellationToken).ConfigureAwait(false);
        return result.Type switch
        {
            ExprType.Vector => [.. result.Series.Select(s => new ComparedSample([.. s.Labels], s.Points[0].Value))],
            ExprType.Scalar => [new ComparedSample([], result.Scalar.Value)],
            _ => throw new PromQLEvaluationException("rule result is not a vector or scalar"),
        };
    }

    /// <summary>Upstream's <c>ParseMetric</c>: <c>name{labels}</c> or <c>{labels}</c>; nothing (or blanks) is the empty set.</summary>
    private static Label[] ParseMetric(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var (labels, values) = SeriesDescription.Parse(text);
        if (values.Count > 0)
        {
            throw new PromQLParseException(text, new PositionRange(0, text.Length), "unexpected values after the series in labels");
        }

        return [.. labels];
    }
}
