using Microsoft.Extensions.Options;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Binds and validates the host's options at startup. Binding is strict: an unknown key in a
/// section (a typo like <c>Storage:LocalPth</c>) or a value of the wrong type is reported as an
/// <see cref="OptionsValidationException"/> naming the key, like every other configuration error,
/// so that <see cref="MonitoringHost.RunMonitoringHostAsync"/> can print it and exit.
/// </summary>
internal static class OptionsRegistration
{
    public static IServiceCollection AddMonitoringOptions(this IServiceCollection services)
    {
        services.AddOptions<StorageOptions>()
            .Configure<IConfiguration>((options, configuration) => BindStrict(configuration, StorageOptions.SectionName, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<StorageOptions>, StorageOptionsValidator>();

        services.AddOptions<WebOptions>()
            .Configure<IConfiguration>((options, configuration) => BindStrict(configuration, WebOptions.SectionName, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<WebOptions>, WebOptionsValidator>();

        services.AddOptions<RulesOptions>()
            .Configure<IConfiguration>((options, configuration) => BindStrict(configuration, RulesOptions.SectionName, options))
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RulesOptions>, RulesOptionsValidator>();

        services.AddOptions<AlertmanagerOptions>()
            .Configure<IConfiguration>((options, configuration) => BindStrict(configuration, AlertmanagerOptions.SectionName, options))
            .ValidateOnStart();

        services.AddOptions<ScrapeOptions>()
            .Configure<IConfiguration>((options, configuration) => BindStrict(configuration, ScrapeOptions.SectionName, options))
            .ValidateOnStart();

        // Resolved on first use, for the Azure Storage provider (see StorageRegistration).
        services.AddSingleton(provider => AzureStorageSettings.Resolve(
            provider.GetRequiredService<IConfiguration>(),
            provider.GetRequiredService<IOptions<StorageOptions>>().Value.Connection));
        return services;
    }

    private static void BindStrict<T>(IConfiguration configuration, string sectionName, T options)
        where T : class
    {
        var section = configuration.GetSection(sectionName);
        if (typeof(T) == typeof(StorageOptions))
        {
            var provider = section[nameof(StorageOptions.Provider)];
            if (!string.IsNullOrWhiteSpace(provider) && !Enum.TryParse<StorageProvider>(provider, ignoreCase: true, out _))
            {
                throw Failure<T>($"Storage:Provider is '{provider}'; it must be one of: {string.Join(", ", Enum.GetNames<StorageProvider>())}.");
            }
        }

        var known = typeof(T).GetProperties().Where(p => p.CanWrite).Select(p => p.Name).ToList();
        var unknown = section.GetChildren().Select(c => c.Key)
            .Where(key => !known.Contains(key, StringComparer.OrdinalIgnoreCase)).ToList();
        if (unknown.Count > 0)
        {
            throw Failure<T>(
                $"Unknown setting(s) {string.Join(", ", unknown.Select(key => $"'{sectionName}:{key}'"))}; "
                + $"the section '{sectionName}' has: {string.Join(", ", known)}.");
        }

        try
        {
            section.Bind(options, binder => binder.ErrorOnUnknownConfiguration = true);
        }
        catch (InvalidOperationException ex)
        {
            throw Failure<T>($"Configuration section '{sectionName}': {ex.Message}");
        }
    }

    private static OptionsValidationException Failure<T>(string message) => new(Options.DefaultName, typeof(T), [message]);
}

internal sealed class StorageOptionsValidator(IConfiguration configuration) : IValidateOptions<StorageOptions>
{
    public ValidateOptionsResult Validate(string? name, StorageOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var engineProblems = options.EngineProblems().ToList();
        if (engineProblems.Count > 0)
        {
            return ValidateOptionsResult.Fail(engineProblems);
        }

        switch (options.Provider)
        {
            case StorageProvider.LocalDisk:
                if (string.IsNullOrWhiteSpace(options.LocalPath))
                {
                    return ValidateOptionsResult.Fail("Storage:LocalPath must name a folder (default ./data) when Storage:Provider is LocalDisk.");
                }

                try
                {
                    _ = Path.GetFullPath(options.LocalPath);
                }
                catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
                {
                    return ValidateOptionsResult.Fail($"Storage:LocalPath '{options.LocalPath}' is not a valid path: {ex.Message}");
                }

                return ValidateOptionsResult.Success;

            case StorageProvider.AzureStorage:
                if (string.IsNullOrWhiteSpace(options.Connection))
                {
                    return ValidateOptionsResult.Fail(
                        $"Storage:Connection must name the connection setting (default {StorageOptions.DefaultConnectionName}) when Storage:Provider is AzureStorage.");
                }

                var problems = AzureStorageSettings.Resolve(configuration, options.Connection).Problems().ToList();
                return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);

            default:
                return ValidateOptionsResult.Fail($"Storage:Provider must be one of: {string.Join(", ", Enum.GetNames<StorageProvider>())}.");
        }
    }
}

internal sealed class RulesOptionsValidator : IValidateOptions<RulesOptions>
{
    public ValidateOptionsResult Validate(string? name, RulesOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        var problems = options.Problems().ToList();
        return problems.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(problems);
    }
}

internal sealed class WebOptionsValidator(IConfiguration configuration) : IValidateOptions<WebOptions>
{
    public ValidateOptionsResult Validate(string? name, WebOptions options)
    {
        try
        {
            _ = ListenEndpoint.Resolve(configuration);
            return ValidateOptionsResult.Success;
        }
        catch (OptionsValidationException ex)
        {
            return ValidateOptionsResult.Fail(ex.Failures);
        }
    }
}
