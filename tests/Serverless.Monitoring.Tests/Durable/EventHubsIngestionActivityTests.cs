using Microsoft.Azure.Functions.Worker;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.DurableTask.Testing;
using Microsoft.Extensions.DependencyInjection;
using Serverless.Monitoring.Core.Bus;
using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Functions.Durable;
using Serverless.Monitoring.Functions.FunctionApp;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Bus;
using Serverless.Monitoring.Tests.Bus.EventHubs;
using Serverless.Monitoring.Tests.FunctionApp;
using Serverless.Monitoring.Tests.Fixtures;
using FunctionsWorkerHost = Serverless.Monitoring.Functions.Hosting.FunctionsWorkerHost;

namespace Serverless.Monitoring.Tests.Durable;

/// <summary>
/// The app's Event Hubs ingestion end to end under the real Durable Task engine: the orchestration
/// and the function class's own activities (registered under their function names, as the
/// Functions host would run them), over an in-memory hub and the worker's services on local disk.
/// </summary>
public sealed class EventHubsIngestionActivityTests : IDisposable
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly TempDirectory _work = new("sm-eh-durable-");

    [Fact]
    public async Task The_orchestration_stores_every_partition_and_checkpoints_it()
    {
        var hub = new InMemoryEventHub(partitions: 3);
        var t0 = DateTimeOffset.UtcNow.AddMinutes(-30).ToUnixTimeMilliseconds();
        var publisher = new SamplePublisher(hub);
        for (var target = 0; target < 6; target++)
        {
            await publisher.PublishAsync($"target-{target}", BusTestData.Scrape(5, t0, seed: target, instance: $"target-{target}"));
        }

        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "scrape_configs: []\n");
        using var app = FunctionAppServices.Build(
            new()
            {
                ["Storage:LocalPath"] = _work.Combine("data"),
                ["Scrape:Bus"] = "EventHubs",
                ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
                ["EventHubConnection:fullyQualifiedNamespace"] = "unit-test.servicebus.windows.net",
            },
            services => services.AddSingleton<IEventPartitionSource>(hub));
        FunctionsWorkerHost.Validate(app.Services);
        var functions = app.Create<EventHubsIngestionFunctions>();

        await using var engine = await DurableTaskTestHost.StartAsync(registry =>
        {
            registry.AddOrchestratorFunc<IngestionRounds?, IngestionRounds>(EventHubsIngestionOrchestration.Name, (context, totals) => EventHubsIngestionOrchestration.RunAsync(context, totals));
            registry.AddActivityFunc<string?, string[]>(EventHubsIngestionOrchestration.ListPartitions, (_, input) => functions.ListPartitionsAsync(input, CancellationToken.None));
            registry.AddActivityFunc<string, PartitionIngestSummary>(EventHubsIngestionOrchestration.IngestPartition, (_, partition) => functions.IngestPartitionAsync(partition, CancellationToken.None));
        });

        // Started as the StartEventHubsIngestion timer does, through its durable client binding.
        await app.Create<EventHubsIngestionStarter>().StartAsync(new TimerInfo(), engine.Client, CancellationToken.None);
        Assert.NotNull(await engine.Client.GetInstanceAsync(EventHubsIngestionOrchestration.InstanceId));
        var storage = await app.Services.GetRequiredService<StorageEngineAccessor>().GetAsync();
        var deadline = DateTime.UtcNow + Timeout;
        while ((await storage.SeriesAsync([], long.MinValue, long.MaxValue)).Count < 30 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }

        await engine.Client.RaiseEventAsync(EventHubsIngestionOrchestration.InstanceId, EventHubsIngestionOrchestration.StopEvent, eventPayload: null);
        using var cancel = new CancellationTokenSource(Timeout);
        var done = await engine.Client.WaitForInstanceCompletionAsync(EventHubsIngestionOrchestration.InstanceId, getInputsAndOutputs: true, cancel.Token);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var rounds = done.ReadOutputAs<IngestionRounds>()!;
        Assert.Equal(6, rounds.Events);
        Assert.Equal(0, rounds.FailedPartitionRuns);
        Assert.Equal(30, (await storage.SeriesAsync([], long.MinValue, long.MaxValue)).Count);
        var selection = await storage.SelectAsync([LabelMatcher.Equal("instance", "target-3")], long.MinValue, long.MaxValue);
        Assert.Equal(5, selection.Series.Count);

        // Every partition with events is checkpointed at its last event, so nothing is read twice.
        var checkpoints = app.Services.GetRequiredService<Core.Ports.IStorageProvider>().GetTableStore(Functions.Adapters.Bus.EventHubsConsumer.CheckpointTable);
        foreach (var partition in (await hub.GetPartitionIdsAsync(CancellationToken.None)).Where(p => hub.Events(p).Count > 0))
        {
            var entity = await checkpoints.GetAsync("samples:$Default", partition);
            Assert.Equal(hub.Events(partition)[^1].SequenceNumber, entity?.GetInt64("SequenceNumber"));
        }
    }

    [Fact]
    public async Task The_starter_timer_starts_nothing_when_the_bus_is_not_event_hubs()
    {
        await File.WriteAllTextAsync(_work.Combine("prometheus.yml"), "scrape_configs: []\n");
        using var app = FunctionAppServices.Build(new()
        {
            ["Storage:LocalPath"] = _work.Combine("data"),
            ["Scrape:Bus"] = "StorageQueue",
            ["Scrape:ConfigFile"] = _work.Combine("prometheus.yml"),
        });
        await using var engine = await DurableTaskTestHost.StartAsync(registry =>
            registry.AddOrchestratorFunc<IngestionRounds?, IngestionRounds>(EventHubsIngestionOrchestration.Name, (context, totals) => EventHubsIngestionOrchestration.RunAsync(context, totals)));

        await app.Create<EventHubsIngestionStarter>().StartAsync(new TimerInfo(), engine.Client, CancellationToken.None);

        Assert.Null(await engine.Client.GetInstanceAsync(EventHubsIngestionOrchestration.InstanceId));
    }

    public void Dispose() => _work.Dispose();
}
