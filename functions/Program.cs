using Serverless.Monitoring.Functions.Commands;
using Serverless.Monitoring.Functions.Hosting;

// `import openmetrics <file>` runs instead of the server (see Commands/ImportCommand.cs).
if (args.Length > 0 && args[0] == ImportCommand.Name)
{
    return await ImportCommand.RunAsync(args[1..], Console.Out, Console.Error);
}

// The embedded server (`dotnet run --project functions`, like ./prometheus) and the Azure
// Functions custom handler are the same app; see Hosting/MonitoringHost.cs.
var app = MonitoringHost.Build(args);
app.UseMonitoringHost();
return await app.RunMonitoringHostAsync();

/// <summary>The entry point; public so that tests can start the app with WebApplicationFactory.</summary>
public partial class Program;
