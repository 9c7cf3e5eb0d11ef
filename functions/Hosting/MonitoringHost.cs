using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Instrumentation;
using Serverless.Monitoring.Functions.Embedded;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// Composes the embedded server (<c>dotnet run --project functions</c>, like <c>./prometheus</c>):
/// the services both hosts share (<see cref="MonitoringServices"/>), Kestrel on the listen address
/// with the web config, and the loops that drive the jobs (<c>Embedded/</c>).
/// <see cref="CreateOptions"/> → <c>WebApplication.CreateSlimBuilder</c> →
/// <see cref="AddMonitoringHost"/> → <c>Build</c> → <see cref="UseMonitoringHost"/> →
/// <see cref="RunMonitoringHostAsync"/>. Nothing heavy runs before Kestrel binds.
/// </summary>
internal static class MonitoringHost
{
    /// <summary>The server's name in human-readable responses.</summary>
    public const string ProductName = "Serverless.Monitoring";

    /// <summary>
    /// Builder options: the content root (appsettings.json) is the app's own folder, so
    /// <c>dotnet run --project functions</c> from the repository root finds its settings while
    /// relative data paths stay relative to the working directory, as with Prometheus.
    /// </summary>
    public static WebApplicationOptions CreateOptions(string[] args) =>
        new() { Args = args, ContentRootPath = AppContext.BaseDirectory };

    /// <summary>
    /// The app, built but not started: what the server runs, and what commands run before it
    /// (e.g. <c>import</c>) take their configured services from (the storage provider), so
    /// both read the same settings the same way. <paramref name="args"/> are configuration keys as
    /// <c>--Section:Key=value</c> (the command line's flags, already mapped by Commands/SettingFlags).
    /// </summary>
    public static WebApplication Build(string[] args)
    {
        var builder = WebApplication.CreateSlimBuilder(CreateOptions(args));
        builder.AddMonitoringHost(args);
        return builder.Build();
    }

    public static WebApplicationBuilder AddMonitoringHost(this WebApplicationBuilder builder, string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Configuration.AddCommandLine(args);
        builder.WebHost.ConfigureKestrel((context, kestrel) =>
        {
            kestrel.AddServerHeader = false;
            ListenEndpoint endpoint;
            try
            {
                endpoint = ListenEndpoint.Resolve(context.Configuration);
            }
            catch (OptionsValidationException)
            {
                // Kestrel's options are built as early as WebApplicationBuilder.Build(); leave a
                // malformed address to WebOptions validation, which reports it when the host starts.
                return;
            }

            // TLS from the web config file. A file that does not load leaves plain HTTP here; the
            // host reports the mistake before it starts (RunMonitoringHostAsync).
            var webConfig = kestrel.ApplicationServices.GetRequiredService<WebConfigSource>();
            WebConfig? initial = null;
            try
            {
                initial = webConfig.LoadInitial();
            }
            catch (ConfigException)
            {
            }

            endpoint.ApplyTo(kestrel, listen =>
            {
                if (initial is not null)
                {
                    WebConfigHttps.Apply(listen, webConfig, initial);
                }
            });
        });

        builder.Services.AddMonitoringServices();
        builder.Services.AddSingleton<WebConfigSource>();
        builder.Services.AddSingleton<BasicAuthVerifier>();
        builder.Services.AddEmbeddedLoops();
        return builder;
    }

    public static WebApplication UseMonitoringHost(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // The web config (rate limit, headers, basic auth) guards everything, as upstream's handler does.
        app.UseMiddleware<WebConfigMiddleware>();

        // WebApplication runs routing first, so the middleware sees the matched route pattern.
        app.UseMiddleware<HttpMetricsMiddleware>();
        app.UseMiddleware<UnmatchedPathMiddleware>();
        app.MapMonitoringEndpoints();
        return app;
    }

    /// <summary>
    /// Runs until shutdown. Configuration errors and a port that cannot be bound are printed as one
    /// clear message (no stack trace) and give exit code 1.
    /// </summary>
    public static async Task<int> RunMonitoringHostAsync(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);

        // RunAsync disposes the host before its exception reaches us, so note the start here.
        var started = false;
        app.Lifetime.ApplicationStarted.Register(() => started = true);
        try
        {
            // Validate the options now, as the host would on start, so that a configuration error
            // is reported once, plainly, and not also logged with a stack trace by the host.
            app.Services.GetRequiredService<IStartupValidator>().Validate();

            // Likewise a broken prometheus.yml or web config file: one message naming file, line and field.
            app.Services.GetRequiredService<WebConfigSource>().LoadInitial();
            app.Services.GetRequiredService<PrometheusConfigSource>().LoadInitial();

            // And alertmanager.yml, with the router's saved state, before the API can take alerts.
            await app.Services.GetRequiredService<AlertRouterHost>().StartAsync(app.Lifetime.ApplicationStopping);
            await app.RunAsync();
            return 0;
        }
        catch (Exception ex) when (!started && StartupFailures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync($"{ProductName} could not start:");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return 1;
        }
    }

    /// <summary>The plain reasons a start-up failed (bad settings, a broken file, a port in use); empty for anything else.</summary>
    internal static List<string> StartupFailures(Exception exception) => exception switch
    {
        OptionsValidationException options => [.. options.Failures],
        AggregateException aggregate => [.. aggregate.InnerExceptions.SelectMany(StartupFailures)],
        IOException io => [io.Message],
        ConfigException config => [config.Message],
        Core.Rules.RuleFileException rules => [.. rules.Errors.Select(e => e.Message)],
        _ => [],
    };
}
