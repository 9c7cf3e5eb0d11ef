using Microsoft.Azure.Functions.Worker.Builder;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Functions.FunctionApp;
using Serverless.Monitoring.Functions.Scraping;

namespace Serverless.Monitoring.Functions.Hosting;

/// <summary>
/// The app as an Azure Functions .NET isolated worker: the Functions host starts the executable
/// with its gRPC endpoint on the command line, and runs the function classes in
/// <c>FunctionApp/</c> (HTTP through the ASP.NET Core integration). Same services as the embedded
/// server (<see cref="MonitoringServices"/>); no listener of our own and no loops, since the host's
/// timers and triggers drive the jobs.
/// </summary>
internal static class FunctionsWorkerHost
{
    // What the Functions host passes a worker it starts (current hosts the first two, older ones the rest).
    private static readonly string[] HostArguments = ["--functions-uri", "--functions-worker-id", "--workerId", "--grpcMaxMessageLength"];

    /// <summary>Whether the Functions host started this process as its worker.</summary>
    public static bool IsStartedByFunctionsHost(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        return args.Any(arg => HostArguments.Any(flag => arg == flag || arg.StartsWith(flag + "=", StringComparison.Ordinal)));
    }

    public static async Task<int> RunAsync(string[] args)
    {
        var builder = FunctionsApplication.CreateBuilder(args);
        builder.ConfigureFunctionsWebApplication();
        ConfigureServices(builder.Services);
        using var host = builder.Build();
        try
        {
            Validate(host.Services);
        }
        catch (Exception ex) when (MonitoringHost.StartupFailures(ex) is { Count: > 0 } failures)
        {
            await Console.Error.WriteLineAsync($"{MonitoringHost.ProductName} could not start as a function app:");
            foreach (var failure in failures)
            {
                await Console.Error.WriteLineAsync("  " + failure);
            }

            return 1;
        }

        await host.RunAsync();
        return 0;
    }

    /// <summary>The worker's services: the shared composition and what the function classes add.</summary>
    internal static IServiceCollection ConfigureServices(IServiceCollection services) =>
        services.AddMonitoringServices().AddFunctionApp();

    /// <summary>
    /// What the embedded server checks before it starts, checked before the worker takes
    /// invocations: every setting and <c>prometheus.yml</c>. The web config file is the embedded
    /// server's (TLS and users); in Azure the Functions host authenticates callers, so it is refused.
    /// So are the in-process bus, a queue or connection other than the one the Ingest trigger reads,
    /// and an <c>alertmanager.yml</c> (the app does not route alerts yet).
    /// </summary>
    internal static void Validate(IServiceProvider services)
    {
        services.GetRequiredService<IStartupValidator>().Validate();
        var web = services.GetRequiredService<IOptions<WebOptions>>().Value;
        if (!string.IsNullOrWhiteSpace(web.ConfigFile))
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(WebOptions),
                ["Web:ConfigFile (--web.config.file) is for the embedded server; in the function app the Functions host authenticates callers (function keys, Entra ID): remove the setting."]);
        }

        // Refused rather than ignored: the function app does not route alerts yet.
        if (services.GetRequiredService<IOptions<AlertmanagerOptions>>().Value.Enabled)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(AlertmanagerOptions),
                ["Alertmanager:ConfigFile (--alertmanager.config.file) is for the embedded server; the function app does not route alerts yet: remove the setting."]);
        }

        var scrape = services.GetRequiredService<IOptions<ScrapeOptions>>().Value;
        if (scrape.Bus == SampleBusKind.InProcess)
        {
            // Instances come and go: samples held in one process's memory would be lost with it.
            throw new OptionsValidationException(Options.DefaultName, typeof(ScrapeOptions),
                ["Scrape:Bus is InProcess, which is for the embedded server; the function app needs StorageQueue or EventHubs."]);
        }

        if (scrape.Bus == SampleBusKind.StorageQueue && scrape.QueueName != IngestFunction.QueueName)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(ScrapeOptions),
                [$"Scrape:QueueName is '{scrape.QueueName}', but the Ingest function reads '{IngestFunction.QueueName}': in the function app leave it at '{IngestFunction.QueueName}'."]);
        }

        var storage = services.GetRequiredService<IOptions<StorageOptions>>().Value;
        if (scrape.Bus == SampleBusKind.StorageQueue && storage.Connection != StorageOptions.DefaultConnectionName)
        {
            throw new OptionsValidationException(Options.DefaultName, typeof(StorageOptions),
                [$"Storage:Connection is '{storage.Connection}', but the Ingest function reads the queue through the '{StorageOptions.DefaultConnectionName}' connection: in the function app leave it at '{StorageOptions.DefaultConnectionName}'."]);
        }

        services.GetRequiredService<PrometheusConfigSource>().LoadInitial();
    }
}
