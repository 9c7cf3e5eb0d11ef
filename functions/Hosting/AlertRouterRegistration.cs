using Serverless.Monitoring.Core.Alerting.Escalation;
using Serverless.Monitoring.Core.Alerting.Router;
using Serverless.Monitoring.Core.Alerting.Silences;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Ports;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The alert router for both hosts: one <see cref="AlertRouterHost"/>, and the one
/// <see cref="SilenceStore"/> and <see cref="EscalationRegistry"/> that the router uses and the
/// silence and escalation endpoints serve (they exist, empty, while the router is off).
/// </summary>
internal static class AlertRouterRegistration
{
    public static IServiceCollection AddAlertRouter(this IServiceCollection services)
    {
        services.AddSingleton<AlertRouterParts>();
        services.AddSingleton(static provider => provider.GetRequiredService<AlertRouterParts>().Silences);
        services.AddSingleton(static provider => new RouterMetrics(provider.GetRequiredService<MetricRegistry>()));
        services.AddSingleton<AlertRouterHost>();
        services.AddSingleton<IConfigReloadParticipant>(static provider => provider.GetRequiredService<AlertRouterHost>());
        services.AddSingleton(static provider =>
        {
            var host = provider.GetRequiredService<AlertRouterHost>();
            var stepper = new EscalationStepper(
                name => host.Router?.EscalationPolicy(name),
                new RouterEscalationNotifier(() => host.Router),
                provider.GetRequiredService<ILogger<EscalationStepper>>());
            return new EscalationRegistry(
                stepper,
                provider.GetRequiredService<IStorageProvider>().GetBlobStore(AlertRouter.Container),
                provider.GetRequiredService<TimeProvider>(),
                provider.GetRequiredService<ILogger<EscalationRegistry>>());
        });
        return services;
    }
}
