using Serverless.Monitoring.Functions.Hosting;

// The embedded server (`dotnet run --project functions`, like ./prometheus) and the Azure
// Functions custom handler are the same app; see Hosting/MonitoringHost.cs.
var builder = WebApplication.CreateSlimBuilder(MonitoringHost.CreateOptions(args));
builder.AddMonitoringHost(args);
var app = builder.Build();
app.UseMonitoringHost();
return await app.RunMonitoringHostAsync();

/// <summary>The entry point; public so that tests can start the app with WebApplicationFactory.</summary>
public partial class Program;
