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
        services.AddSingleton(static provider => new RuleManager(config => EvaluationOptions(provider, config)));

        // The embedded server keeps its groups in memory; the function app replaces this with groups kept in storage.
        services.AddSingleton<IRuleGroups>(static provider => provider.GetRequiredService<RuleManager>());
        services.AddSingleton(static provider =>
        {
            var engines = provider.GetRequiredService<StorageEngineAccessor>();
            var output = provider.GetRequiredService<RuleOutput>();
            return new RuleGroupJob(
                provider.GetRequiredService<IRuleGroups>(),
                async () => new StorageSeriesSource(await engines.GetAsync()),
                output.PublishAsync,
                provider.GetRequiredService<NotificationManager>(),
                provider.GetRequiredService<MetricRegistry>());
        });
        return services;
    }

    /// <summary>How rules are evaluated under a config: its external labels and query offset, the Rules and Web settings, the template engine.</summary>
    public static RuleEvaluationOptions EvaluationOptions(IServiceProvider provider, PrometheusConfig config)
    {
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentNullException.ThrowIfNull(config);
        var rules = provider.GetRequiredService<IOptions<RulesOptions>>().Value;
        return new RuleEvaluationOptions
        {
            TemplateExpander = provider.GetRequiredService<IAlertTemplateExpander>(),
            EngineOptions = ApiQueryOptions.FromConfiguration(provider.GetRequiredService<IConfiguration>()),
            ExternalLabels = config.Global.ExternalLabels,
            ExternalUrl = provider.GetRequiredService<IOptions<WebOptions>>().Value.ResolveExternalUrl(),
            DefaultQueryOffset = config.Global.RuleQueryOffset,
            ResendDelay = PrometheusDuration.Parse(rules.ResendDelay),
            OutageTolerance = PrometheusDuration.Parse(rules.ForOutageTolerance),
            ForGracePeriod = PrometheusDuration.Parse(rules.ForGracePeriod),
            TimeProvider = provider.GetRequiredService<TimeProvider>(),
            Logger = provider.GetRequiredService<ILogger<RuleManager>>(),
        };
    }
}
