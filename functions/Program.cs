using Serverless.Monitoring.Functions.Commands;

// The embedded server (`dotnet run --project functions`, like ./prometheus) and its subcommands;
// see Commands/MonitoringCommandLine.cs.
return await MonitoringCommandLine.RunAsync(args);

/// <summary>The entry point; public so that tests can start the app with WebApplicationFactory.</summary>
public partial class Program;
