using Serverless.Monitoring.Functions.Commands;
using Serverless.Monitoring.Functions.Hosting;

// One executable, two hosts: started by the Azure Functions host, it is the function app's .NET
// isolated worker (Hosting/FunctionsWorkerHost.cs); started by anyone else, the embedded server and
// its subcommands (`dotnet run --project functions`, like ./prometheus; Commands/MonitoringCommandLine.cs).
return FunctionsWorkerHost.IsStartedByFunctionsHost(args)
    ? await FunctionsWorkerHost.RunAsync(args)
    : await MonitoringCommandLine.RunAsync(args);

/// <summary>The entry point; public so that tests can start the app with WebApplicationFactory.</summary>
public partial class Program;
