using Microsoft.Extensions.Configuration;
using Serverless.Monitoring.Functions.Adapters.Bus;

namespace Serverless.Monitoring.Tests.Adapters.Bus;

/// <summary>Resolving the Event Hubs settings: what is accepted, and problems that name the setting and never the key.</summary>
public sealed class EventHubsSettingsTests
{
    private const string Key = "c2VjcmV0LWtleS1uZXZlci1wcmludGVk";
    private const string Endpoint = "Endpoint=sb://ns.servicebus.windows.net/";

    public static TheoryData<string, string, string, string> ValidCases => new()
    {
        // settings ("name=value|name=value"), hub, consumer group, namespace
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key}", "samples", "$Default", "ns.servicebus.windows.net" },
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=metrics", "metrics", "$Default", "ns.servicebus.windows.net" },
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=metrics|EventHubName=metrics", "metrics", "$Default", "ns.servicebus.windows.net" },
        { $"ConnectionStrings:EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key}|EventHubName=prod.samples_1", "prod.samples_1", "$Default", "ns.servicebus.windows.net" },
        { $"EventHubConnection=Endpoint=sb://localhost;SharedAccessKeyName=RootManageSharedAccessKey;SharedAccessKey={Key};UseDevelopmentEmulator=true;", "samples", "$Default", "localhost" },
        { $"EventHubConnection={Endpoint};SharedAccessSignature=SharedAccessSignature sr=x&sig={Key}&se=1&skn=send", "samples", "$Default", "ns.servicebus.windows.net" },
        { "EventHubConnection:fullyQualifiedNamespace=ns.servicebus.windows.net", "samples", "$Default", "ns.servicebus.windows.net" },
        { "EventHubConnection:fullyQualifiedNamespace=ns.servicebus.windows.net|EventHubConnection:credential=managedidentity|EventHubConnection:clientId=3f1c2b7e-0000-4000-8000-000000000001|EventHubConsumerGroup=ingest-1", "samples", "ingest-1", "ns.servicebus.windows.net" },
    };

    public static TheoryData<string, string> ProblemCases => new()
    {
        // settings, a fragment the problem must contain
        { "", "Scrape:Bus is EventHubs, but the setting EventHubConnection is not set" },
        { $"EventHubConnection={Key}", "The setting EventHubConnection is not a valid Event Hubs connection string: expected Name=Value pairs" },
        { $"EventHubConnection=SharedAccessKeyName=send;SharedAccessKey={Key}", "The setting EventHubConnection is not a valid Event Hubs connection string: it has no Endpoint" },
        { $"EventHubConnection=Endpoint=https://ns.servicebus.windows.net/;SharedAccessKeyName=send;SharedAccessKey={Key}", "its Endpoint is not an sb:// URI" },
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send", "it needs SharedAccessKeyName and SharedAccessKey" },
        { $"EventHubConnection={Endpoint};SharedAccessKey={Key}", "it needs SharedAccessKeyName and SharedAccessKey" },
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=a|EventHubName=b", "names the event hub 'a' (EntityPath) but EventHubName is 'b'" },
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key};EntityPath=a/b", "EntityPath in EventHubConnection 'a/b' is not an event hub name" },
        { "EventHubConnection:fullyQualifiedNamespace=sb://ns.servicebus.windows.net/", "EventHubConnection__fullyQualifiedNamespace 'sb://ns.servicebus.windows.net/' is not a host name" },
        { "EventHubConnection:fullyQualifiedNamespace=ns.servicebus.windows.net|EventHubConnection:credential=clientsecret", "EventHubConnection__credential is 'clientsecret'; the only value is managedidentity" },
        { "EventHubConnection:credential=managedidentity", "the setting EventHubConnection is not set" },
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key}|EventHubName=bad name!", "EventHubName 'bad name!' is not an event hub name" },
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key}|EventHubName=-samples", "EventHubName '-samples' is not an event hub name" },
        { $"EventHubConnection={Endpoint};SharedAccessKeyName=send;SharedAccessKey={Key}|EventHubConsumerGroup=$Ingest", "EventHubConsumerGroup '$Ingest' is not a consumer group name" },
    };

    [Theory]
    [MemberData(nameof(ValidCases))]
    public async Task Valid_settings_have_no_problems_and_build_clients(string settings, string hub, string consumerGroup, string fullyQualifiedNamespace)
    {
        var resolved = EventHubsSettings.Resolve(Configuration(settings));

        Assert.Empty(resolved.Problems());
        Assert.Equal((hub, consumerGroup), (resolved.EventHubName, resolved.ConsumerGroup));

        // Building clients sends nothing: no service is needed.
        await using var producer = resolved.CreateProducer();
        Assert.Equal((hub, fullyQualifiedNamespace), (producer.EventHubName, producer.FullyQualifiedNamespace));
        await using var source = EventHubsPartitionSource.Create(resolved);
        Assert.Equal((hub, consumerGroup, fullyQualifiedNamespace), (source.EventHubName, source.ConsumerGroup, source.FullyQualifiedNamespace));
    }

    [Theory]
    [MemberData(nameof(ProblemCases))]
    public void Problems_name_the_setting_and_never_the_key(string settings, string expected)
    {
        var resolved = EventHubsSettings.Resolve(Configuration(settings));

        var problems = string.Join(" ", resolved.Problems());

        Assert.Contains(expected, problems, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, problems, StringComparison.Ordinal);
        var error = Assert.Throws<InvalidOperationException>(() => resolved.CreateProducer());
        Assert.Equal(problems, error.Message);
        Assert.Throws<InvalidOperationException>(() => resolved.CreateConnection());
    }

    [Fact]
    public void The_default_credential_is_managed_identity_only_when_asked()
    {
        var managed = EventHubsSettings.Resolve(Configuration("EventHubConnection:fullyQualifiedNamespace=ns.servicebus.windows.net|EventHubConnection:credential=ManagedIdentity"));
        var chain = EventHubsSettings.Resolve(Configuration("EventHubConnection:fullyQualifiedNamespace=ns.servicebus.windows.net"));

        Assert.IsType<Azure.Identity.ManagedIdentityCredential>(managed.CreateCredential());
        Assert.IsType<Azure.Identity.DefaultAzureCredential>(chain.CreateCredential());
    }

    private static IConfiguration Configuration(string settings) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(settings.Split('|', StringSplitOptions.RemoveEmptyEntries).Select(pair =>
            {
                var eq = pair.IndexOf('=', StringComparison.Ordinal);
                return new KeyValuePair<string, string?>(pair[..eq], pair[(eq + 1)..]);
            }))
            .Build();
}
