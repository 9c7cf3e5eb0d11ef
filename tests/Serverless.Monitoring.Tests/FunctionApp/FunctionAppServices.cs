using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Tests.FunctionApp;

/// <summary>
/// The function app's services as the worker composes them (<see cref="FunctionsWorkerHost.ConfigureServices"/>),
/// without the Functions host: there is no supported way to run the worker without it, so tests
/// create the function classes from these services and call them with what the host would pass.
/// </summary>
internal static class FunctionAppServices
{
    /// <param name="settings">The app settings.</param>
    /// <param name="replace">Registrations made before the worker's (e.g. an in-memory Event Hubs partition source).</param>
    public static IHost Build(Dictionary<string, string?> settings, Action<IServiceCollection>? replace = null)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true, EnvironmentName = "Testing" });
        builder.Configuration.AddInMemoryCollection(settings);
        replace?.Invoke(builder.Services);
        FunctionsWorkerHost.ConfigureServices(builder.Services);
        return builder.Build();
    }

    /// <summary>A function class as the worker creates it: from the services, per invocation.</summary>
    public static T Create<T>(this IHost host) => ActivatorUtilities.CreateInstance<T>(host.Services);
}
