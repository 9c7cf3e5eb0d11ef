using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Bus.EventHubs;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Adapters.Bus;

/// <summary>Registers the Event Hubs bus's settings, their start-up check and the consumer.</summary>
internal static class EventHubsBusRegistration
{
    /// <summary>
    /// Adds <see cref="EventHubsSettings"/> (from the app's configuration), a validator that stops start-up
    /// naming the setting when <c>Scrape:Bus</c> is EventHubs and a setting is missing or malformed, the
    /// <see cref="IEventPartitionSource"/> over the SDK and the <see cref="EventHubsConsumer"/>. Nothing
    /// connects until the consumer is first used.
    /// </summary>
    public static IServiceCollection AddEventHubsBus(this IServiceCollection services)
    {
        services.TryAddSingleton(provider => EventHubsSettings.Resolve(provider.GetRequiredService<IConfiguration>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ScrapeOptions>, EventHubsSettingsValidator>());
        services.TryAddSingleton<IEventPartitionSource>(provider => EventHubsPartitionSource.Create(provider.GetRequiredService<EventHubsSettings>()));
        services.TryAddSingleton<EventHubsConsumer>();
        return services;
    }

    private sealed class EventHubsSettingsValidator(EventHubsSettings settings) : IValidateOptions<ScrapeOptions>
    {
        public ValidateOptionsResult Validate(string? name, ScrapeOptions options)
        {
            if (options.Bus != SampleBusKind.EventHubs)
            {
                return ValidateOptionsResult.Success;
            }

            var problems = settings.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
