using System.Diagnostics;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Core.Storage;
using Serverless.Monitoring.Core.Templates;
using Serverless.Monitoring.Functions.Adapters.LocalDisk;

namespace Serverless.Monitoring.Benchmarks.Rules;

/// <summary>
/// Where our rule evaluation time goes: the same rule files evaluated in this process by our
/// <see cref="RuleGroupEvaluator"/> (the code the server runs, minus the bus) over our store, each
/// rule's own evaluation time as the evaluator records it, and beside it the rule's query alone
/// through <see cref="PromQLEngine"/> (for the rules that read only the dataset; the others read
/// series recorded earlier in the same evaluation).
/// </summary>
internal static class InProcessRuleProfile
{
    /// <summary>Per group name, per rule in file order: the rule's evaluation times and its query's times, in seconds.</summary>
    public sealed record Result(Dictionary<string, List<double>[]> Rule, Dictionary<string, List<double>[]> Query, Dictionary<string, List<double>> Group);

    public static async Task<Result> RunAsync(string configFile, string store, int warmup, int rounds, TimeSpan interval, Func<string, int, bool> readsOnlyDataset)
    {
        var engine = await StorageEngine.OpenAsync(new LocalDiskStorageProvider(store));
        var source = new StorageSeriesSource(engine);
        var config = PrometheusConfig.LoadFile(configFile);
        var groups = RuntimeRuleGroups.From(RuleFiles.Load(config), config.Global);
        var options = new RuleEvaluationOptions { TemplateExpander = new GoAlertTemplateExpander(new TemplateExpander(new MetricRegistry())) };
        var evaluators = groups.Select(g => RuleGroupEvaluator.Start(g, options, restoreForState: false)).ToList();
        var queries = new PromQLEngine(source, options.EngineOptions);
        var rule = groups.ToDictionary(g => g.Name, g => g.Rules.Select(_ => new List<double>()).ToArray(), StringComparer.Ordinal);
        var query = groups.ToDictionary(g => g.Name, g => g.Rules.Select(_ => new List<double>()).ToArray(), StringComparer.Ordinal);
        var total = groups.ToDictionary(g => g.Name, _ => new List<double>(), StringComparer.Ordinal);
        var ts = RuleTime.FromDateTimeOffset(DateTimeOffset.UtcNow);
        for (var round = 0; round < warmup + rounds; round++, ts += RuleTime.ToNanos(interval))
        {
            foreach (var evaluator in evaluators)
            {
                var evaluation = await evaluator.EvaluateAsync(ts, source);
                var name = evaluator.Group.Name;
                var status = evaluator.GetStatus();
                for (var i = 0; i < status.Rules.Count; i++)
                {
                    if (round >= warmup)
                    {
                        rule[name][i].Add(status.Rules[i].EvaluationTime.TotalSeconds);
                    }

                    if (readsOnlyDataset(name, i))
                    {
                        var stopwatch = Stopwatch.StartNew();
                        await queries.InstantQueryAsync(evaluator.Group.Rules[i].Query, RuleTime.ToMilliseconds(ts));
                        if (round >= warmup)
                        {
                            query[name][i].Add(stopwatch.Elapsed.TotalSeconds);
                        }
                    }
                }

                if (round >= warmup)
                {
                    total[name].Add(evaluation.Duration.TotalSeconds);
                }
            }
        }

        return new Result(rule, query, total);
    }
}
