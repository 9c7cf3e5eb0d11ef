using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>What the function classes need beyond the shared services (the worker creates the classes themselves).</summary>
internal static class FunctionAppRegistration
{
    public static IServiceCollection AddFunctionApp(this IServiceCollection services)
    {
        services.AddSingleton<HttpApiPipeline>();

        // Endpoint routing needs it; the worker's web host registers it, a bare host (tests) does not.
        services.TryAddSingleton(new System.Diagnostics.DiagnosticListener("Microsoft.AspNetCore"));
        return services;
    }
}
