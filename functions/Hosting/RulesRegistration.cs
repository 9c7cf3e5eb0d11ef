using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Core.Model;
using Serverless.Monitoring.Core.Notifier;
using Serverless.Monitoring.Core.PromQL.Engine;
using Serverless.Monitoring.Core.Rules;
using Serverless.Monitoring.Core.Rules.Evaluation;
using Serverless.Monitoring.Functions.Api;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Rules and alerting for both hosts: the rule manager (evaluation options from the config, the
/// <c>Rules</c> and <c>Web</c> settings and the template engine), the RuleGroup job over storage and
/// the sample bus, and the notifier with its flush job.
/// </summary>
internal static class RulesRegistration
{
    public static IServiceCollection AddMonitoringRules(this IServiceCollection services)
    {
        services.AddSingleton<RuleOutput>();
        services.AddSingleton(static provider => new Core.Templates.TemplateExpander(provider.GetRequiredService<MetricRegistry>()));
        services.AddSingleton<IAlertTemplateExpander>(static provider => new GoAlertTemplateExpander(provider.GetRequiredService<Core.Templates.TemplateExpander>()));
        services.AddSingleton(static provider =>
        {
            var logger = provider.GetRequiredService<ILogger<NotificationManager>>();
            return new NotificationManager(provider.GetRequiredService<MetricRegistry>(), log: message => logger.LogWarning("{Message}", message));
        });
        services.AddSingleton(static provider => new NotificationFlushJob(provider.GetRequiredService<NotificationManager>()));
        services.AddSingleton(static provider =>
        {
            var rules = provider.GetRequiredService<IOptions<RulesOptions>>().Value;
            var web = provider.GetRequiredService<IOptions<WebOptions>>().Value;
            var expander = provider.GetRequiredService<IAlertTemplateExpander>();
            var query = ApiQueryOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>());
            var time = provider.GetRequiredService<TimeProvider>();
            var logger = provider.GetRequiredService<ILogger<RuleManager>>();
            return new RuleManager(config => new RuleEvaluationOptions
            {
                TemplateExpander = expander,
                EngineOptions = query,
                ExternalLabels = config.Global.ExternalLabels,
                ExternalUrl = web.ResolveExternalUrl(),
                DefaultQueryOffset = config.Global.RuleQueryOffset,
                ResendDelay = PrometheusDuration.Parse(rules.ResendDelay),
                OutageTolerance = PrometheusDuration.Parse(rules.ForOutageTolerance),
                ForGracePeriod = PrometheusDuration.Parse(rules.ForGracePeriod),
                TimeProvider = time,
                Logger = logger,
            });
        });
        services.AddSingleton(static provider =>
        {
            var engines = provider.GetRequiredService<StorageEngineAccessor>();
            var output = provider.GetRequiredService<RuleOutput>();
            return new RuleGroupJob(
                provider.GetRequiredService<RuleManager>(),
                async () => new StorageSeriesSource(await engines.GetAsync()),
                output.PublishAsync,
                provider.GetRequiredService<NotificationManager>(),
                provider.GetRequiredService<MetricRegistry>());
        });
        return services;
    }
}
