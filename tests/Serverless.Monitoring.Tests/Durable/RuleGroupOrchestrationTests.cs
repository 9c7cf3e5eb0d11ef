using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Functions.Durable;
using Serverless.Monitoring.Functions.FunctionApp;
using Serverless.Monitoring.Functions.Scraping;
using Serverless.Monitoring.Tests.FunctionApp;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Durable;

/// <summary>
/// Rule groups in the function app under the real Durable Task engine: the supervisor starts one
/// orchestration per group, each evaluates its group on its grid through the app's own activity
/// (its samples reach the bus), and a rule-file change replaces a group's definition (the running
/// orchestration evaluates the new rules) and ends a removed group's orchestration.
/// </summary>
public sealed class RuleGroupOrchestrationTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _work = new("sm-rules-durable-");

    [Fact]
    public async Task The_supervisor_runs_each_group_and_a_rule_file_change_replaces_and_removes_groups()
    {
        await File.WriteAllTextAsync(_work.Combine("rules.yml"), """
            groups:
              - name: kept
                interval: 1s
                rules:
                  - record: before_change
                    expr: vector(1)
              - name: removed
                interval: 1s
                rules:
                  - record: removed_group
                    expr: vector(2)
            """);
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "rule_files: ['rules.yml']\n");
        using var app = FunctionAppServices.Build(new()
        {
            ["Storage:LocalPath"] = _work.Combine("data"),
            ["Scrape:Bus"] = "StorageQueue",
            ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
        });
        Functions.Hosting.FunctionsWorkerHost.Validate(app.Services);
        var functions = app.Create<RuleGroupFunctions>();
        await using var engine = await DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<RuleGroupStep, RuleGroupStep>(RuleGroupOrchestration.Name, (context, step) => RuleGroupOrchestration.RunAsync(context, step));
            registry.AddActivityFunc<RuleGroupStep, RuleGroupStep>(RuleGroupOrchestration.EvaluateActivity, (_, step) => functions.EvaluateAsync(step, CancellationToken.None));
        });

        await functions.SuperviseAsync(new TimerInfo(), engine.Client, CancellationToken.None);
        var kept = RuleGroupOrchestration.InstanceId(RuntimeRuleGroups.Key(_work.Combine("rules.yml"), "kept"));
        var removed = RuleGroupOrchestration.InstanceId(RuntimeRuleGroups.Key(_work.Combine("rules.yml"), "removed"));
        Assert.NotNull(await engine.Client.GetInstanceAsync(kept));
        Assert.NotNull(await engine.Client.GetInstanceAsync(removed));

        var seen = new HashSet<string>(StringComparer.Ordinal);
        await WaitForMetricsAsync(app, seen, ["before_change", "removed_group"]);

        // The rule file changes: one group gets other rules, the other is gone.
        await File.WriteAllTextAsync(_work.Combine("rules.yml"), """
            groups:
              - name: kept
                interval: 1s
                rules:
                  - record: after_change
                    expr: vector(3)
            """);
        Assert.Null(app.Services.GetRequiredService<PrometheusConfigSource>().Reload());
        await WaitForMetricsAsync(app, seen, ["after_change"]);

        using var cancel = new CancellationTokenSource(Timeout);
        var ended = await engine.Client.WaitForInstanceCompletionAsync(removed, getInputsAndOutputs: true, cancel.Token);
        Assert.True(ended.ReadOutputAs<RuleGroupStep>()!.GroupGone);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await engine.Client.GetInstanceAsync(kept))!.RuntimeStatus);

        // The supervisor starts nothing again for the removed group, and nothing twice for the kept one.
        await functions.SuperviseAsync(new TimerInfo(), engine.Client, CancellationToken.None);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await engine.Client.GetInstanceAsync(removed))!.RuntimeStatus);

        // Stopping a group's loop: the Stop event ends it at its next wait.
        await engine.Client.RaiseEventAsync(kept, RuleGroupOrchestration.StopEvent, eventPayload: null);
        var stopped = await engine.Client.WaitForInstanceCompletionAsync(kept, getInputsAndOutputs: true, cancel.Token);
        Assert.True(stopped.ReadOutputAs<RuleGroupStep>()!.Stopped);
    }

    /// <summary>Reads the bus queue until every metric name has been published by some evaluation.</summary>
    private static async Task WaitForMetricsAsync(IHost app, HashSet<string> seen, string[] names)
    {
        var queue = app.Services.GetRequiredService<IStorageProvider>().GetQueue("samples");
        var deadline = DateTime.UtcNow + Timeout;
        while (!names.All(seen.Contains) && DateTime.UtcNow < deadline)
        {
            foreach (var message in await queue.ReceiveAsync(32, TimeSpan.FromMinutes(5)))
            {
                foreach (var series in RemoteWriteCodec.Decode(message.Body.Span).Series)
                {
                    seen.Add(series.Labels.MetricName);
                }

                await queue.AckAsync(message);
            }

            await Task.Delay(200);
        }

        Assert.True(names.All(seen.Contains), $"published so far: {string.Join(", ", seen)}");
    }

    public void Dispose() => _work.Dispose();
}
