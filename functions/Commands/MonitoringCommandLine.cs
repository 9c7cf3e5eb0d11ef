using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// The executable's command line when the Functions host did not start it: a subcommand
/// (<c>import openmetrics &lt;file&gt;</c>) or the embedded server (like <c>./prometheus</c>).
/// </summary>
internal static class MonitoringCommandLine
{
    public static async Task<int> RunAsync(string[] args)
    {
        ArgumentNullException.ThrowIfNull(args);
        if (args.Length > 0 && args[0] == ImportCommand.Name)
        {
            return await ImportCommand.RunAsync(args[1..], Console.Out, Console.Error);
        }

        var app = MonitoringHost.Build(args);
        app.UseMonitoringHost();
        return await app.RunMonitoringHostAsync();
    }
}
