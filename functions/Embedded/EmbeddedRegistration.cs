namespace Serverless.Monitoring.Functions.Embedded;

/// <summary>The embedded server's drivers: the loops that stand in for the function app's timers and triggers.</summary>
internal static class EmbeddedRegistration
{
    public static IServiceCollection AddEmbeddedLoops(this IServiceCollection services)
    {
        // The Event Hubs consumer is built only when the bus is Event Hubs.
        services.AddSingleton(static provider => new Lazy<Adapters.Bus.EventHubsConsumer>(provider.GetRequiredService<Adapters.Bus.EventHubsConsumer>));
        services.AddHostedService<ScrapeLoop>();
        services.AddHostedService<IngestLoop>();
        services.AddHostedService<MaintenanceLoop>();
        services.AddHostedService<RuleLoop>();
        services.AddHostedService<NotificationLoop>();
        services.AddHostedService<AlertRouterLoop>();
        services.AddHostedService<EscalationLoop>();
        return services;
    }
}
