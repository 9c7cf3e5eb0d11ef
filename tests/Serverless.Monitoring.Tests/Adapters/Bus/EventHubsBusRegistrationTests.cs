using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Functions.Adapters.Bus;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Bus;
using Serverless.Monitoring.Tests.Bus.EventHubs;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Adapters.Bus;

/// <summary><see cref="EventHubsBusRegistration.AddEventHubsBus"/> in the app's composition: the start-up check, and the consumer as the app composes it.</summary>
public sealed class EventHubsBusRegistrationTests : IDisposable
{
    private readonly TempDirectory _data = new("sm-eh-reg-");

    [Fact]
    public void A_missing_connection_stops_start_up_naming_the_setting_when_the_bus_is_event_hubs()
    {
        using var provider = Services(new() { ["Scrape:Bus"] = "EventHubs" });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.Contains("the setting EventHubConnection is not set", StringComparison.Ordinal));
    }

    [Fact]
    public void A_malformed_connection_string_stops_start_up_without_printing_the_key()
    {
        const string key = "c2VjcmV0LWtleS1uZXZlci1wcmludGVk";
        using var provider = Services(new()
        {
            ["Scrape:Bus"] = "EventHubs",
            ["EventHubConnection"] = $"Endpoint=https://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={key}",
        });

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(error.Failures, f => f.StartsWith("The setting EventHubConnection is not a valid Event Hubs connection string", StringComparison.Ordinal));
        Assert.DoesNotContain(key, error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("InProcess")]
    [InlineData("StorageQueue")]
    public void Event_hubs_settings_are_not_needed_for_another_bus(string bus)
    {
        using var provider = Services(new() { ["Scrape:Bus"] = bus });

        provider.GetRequiredService<IStartupValidator>().Validate();
    }

    [Fact]
    public async Task The_registered_consumer_stores_each_partition_with_the_apps_engine_and_checkpoint_table()
    {
        var hub = new InMemoryEventHub(partitions: 2);
        var publisher = new Core.Bus.SamplePublisher(hub);
        var t0 = DateTimeOffset.UtcNow.AddHours(-3).ToUnixTimeMilliseconds();
        for (var i = 0; i < 6; i++)
        {
            await publisher.PublishAsync($"target-{i}", BusTestData.Scrape(4, t0, seed: i, instance: $"target-{i}"));
        }

        await using var provider = Services(new() { ["Scrape:Bus"] = "EventHubs", ["EventHubConnection:fullyQualifiedNamespace"] = "ns.servicebus.windows.net" }, hub);
        var consumer = provider.GetRequiredService<EventHubsConsumer>();

        var partitions = await consumer.GetPartitionIdsAsync();
        var results = new List<PartitionIngestResult>();
        foreach (var partition in partitions)
        {
            results.Add(await consumer.RunPartitionAsync(partition));
        }

        Assert.Equal(6, results.Sum(r => r.EventsStored));
        Assert.All(results, r => Assert.True(r.CaughtUp));
        var engine = await provider.GetRequiredService<StorageEngineAccessor>().GetAsync();
        Assert.Equal(24, (await engine.SeriesAsync([], long.MinValue, long.MaxValue)).Count);
        var checkpoints = provider.GetRequiredService<IStorageProvider>().GetTableStore(EventHubsConsumer.CheckpointTable);
        foreach (var result in results.Where(r => r.EventsRead > 0))
        {
            var entity = await checkpoints.GetAsync("samples:$Default", result.PartitionId);
            Assert.Equal(result.Checkpoint, entity?.GetInt64("SequenceNumber"));
        }

        var exposition = new System.Buffers.ArrayBufferWriter<byte>();
        provider.GetRequiredService<MetricRegistry>().WriteTo(exposition);
        Assert.Contains("bus_eventhubs_consumer_lag_events{hub=\"samples\",partition=\"1\"} 0", System.Text.Encoding.UTF8.GetString(exposition.WrittenSpan), StringComparison.Ordinal);
    }

    public void Dispose() => _data.Dispose();

    private ServiceProvider Services(Dictionary<string, string?> settings, IEventPartitionSource? source = null)
    {
        settings["Storage:LocalPath"] = _data.Path;
        var services = new ServiceCollection();
        services.AddSingleton<IConfiguration>(new ConfigurationBuilder().AddInMemoryCollection(settings).Build());
        services.AddLogging();
        if (source is not null)
        {
            // Registered first: AddEventHubsBus only adds the SDK source when none is.
            services.AddSingleton(source);
        }

        // The app's own composition, which calls AddEventHubsBus.
        services.AddMonitoringServices();
        return services.BuildServiceProvider();
    }
}
