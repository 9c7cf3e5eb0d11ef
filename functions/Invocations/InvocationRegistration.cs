using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Invocations;

/// <summary>
/// Registers the <c>Functions</c> settings, the <see cref="HostingMode"/> and the invocation functions;
/// <see cref="InvocationEndpoints.MapFunctionInvocations"/> maps them when the app is a custom handler.
/// </summary>
internal static class InvocationRegistration
{
    public static IServiceCollection AddFunctionInvocations(this IServiceCollection services)
    {
        services.AddOptions<FunctionsOptions>()
            .Configure<IConfiguration>(static (options, configuration) =>
            {
                // Lenient about unknown keys, unlike the sections the embedded server owns: in Azure every app
                // setting is in the environment, and one we do not know must not stop the host.
                try
                {
                    configuration.GetSection(FunctionsOptions.SectionName).Bind(options);
                }
                catch (InvalidOperationException ex)
                {
                    throw new OptionsValidationException(Options.DefaultName, typeof(FunctionsOptions), [$"Configuration section '{FunctionsOptions.SectionName}': {ex.Message}"]);
                }
            })
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<FunctionsOptions>, FunctionsOptionsValidator>();
        services.AddSingleton(static provider => HostingMode.From(provider.GetRequiredService<IConfiguration>()));
        services.AddSingleton<InvocationIngest>();
        services.AddSingleton<ScrapeInvocation>();
        services.AddSingleton<IngestInvocation>();
        services.AddSingleton<IngestQueueInvocation>();
        services.AddSingleton<CompactInvocation>();
        services.AddSingleton<RetentionInvocation>();
        return services;
    }

    private sealed class FunctionsOptionsValidator : IValidateOptions<FunctionsOptions>
    {
        public ValidateOptionsResult Validate(string? name, FunctionsOptions options)
        {
            var problems = options.Problems().ToList();
            return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
        }
    }
}
