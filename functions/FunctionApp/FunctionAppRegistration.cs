using Microsoft.Extensions.DependencyInjection.Extensions;
using Serverless.Monitoring.Core.Ports;
using Serverless.Monitoring.Core.Rules;

namespace Serverless.Monitoring.Functions.FunctionApp;

/// <summary>What the function classes need beyond the shared services (the worker creates the classes themselves).</summary>
internal static class FunctionAppRegistration
{
    /// <summary>The blob container of the rule groups' state between evaluations.</summary>
    public const string RuleStateContainer = "rulestate";

    public static IServiceCollection AddFunctionApp(this IServiceCollection services)
    {
        services.AddSingleton<HttpApiPipeline>();

        // No memory between activities: each evaluation loads its group's state from storage and saves it back.
        services.AddSingleton(static provider =>
        {
            var config = provider.GetRequiredService<Scraping.PrometheusConfigSource>();
            return new StoredRuleGroups(
                () => (config.LoadInitial(), config.CurrentRules),
                loaded => Hosting.RulesRegistration.EvaluationOptions(provider, loaded),
                provider.GetRequiredService<IStorageProvider>().GetBlobStore(RuleStateContainer),
                provider.GetRequiredService<ILogger<StoredRuleGroups>>());
        });
        services.AddSingleton<IRuleGroups>(static provider => provider.GetRequiredService<StoredRuleGroups>());
        services.AddSingleton<Hosting.NotifierConfiguration>();

        // Endpoint routing needs it; the worker's web host registers it, a bare host (tests) does not.
        services.TryAddSingleton(new System.Diagnostics.DiagnosticListener("Microsoft.AspNetCore"));
        return services;
    }
}
