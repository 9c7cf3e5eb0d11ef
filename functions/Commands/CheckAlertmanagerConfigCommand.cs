using System.CommandLine;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Router;
using Serverless.Monitoring.Core.Config;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>check alertmanager-config FILE...</c>: <c>amtool check-config</c> (0.25's output and exit
/// codes). Per file on standard output <c>Checking 'FILE'  SUCCESS</c> and what it found, or
/// <c>  FAILED: </c> and the reason (ours names file, line and field); exit 1 when any failed,
/// with amtool's <c>failed to validate N file(s)</c> on standard error.
/// </summary>
internal static class CheckAlertmanagerConfigCommand
{
    public static Command Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var files = CheckCommand.Files("config-files", "The Alertmanager configuration files to check.");
        var command = new Command("alertmanager-config", "Validate Alertmanager config files, as amtool check-config does.") { files };
        command.SetAction(parseResult =>
        {
            var paths = parseResult.GetRequiredValue(files);
            if (!CheckCommand.AllExist(paths, parseResult, context.Error))
            {
                return MonitoringCommandLine.UsageError;
            }

            var failed = paths.Count(path => !Check(path, context.Output));
            if (failed == 0)
            {
                return 0;
            }

            context.Error.WriteLine($"{Hosting.MonitoringHost.ProductName}: error: failed to validate {failed} file(s)");
            context.Error.WriteLine();
            return CheckOutcome.FailureExitCode;
        });
        return command;
    }

    private static bool Check(string path, TextWriter output)
    {
        output.Write($"Checking '{path}'");
        AlertmanagerConfiguration config;
        try
        {
            config = AlertmanagerConfiguration.LoadFile(path);
        }
        catch (ConfigException ex)
        {
            output.WriteLine($"  FAILED: {ex.Message}");
            output.WriteLine();
            return false;
        }

        output.WriteLine("  SUCCESS");
        output.WriteLine("Found:");
        output.WriteLine(" - global config");
        output.WriteLine(" - route");
        output.WriteLine($" - {config.InhibitRules.Count} inhibit rules");
        output.WriteLine($" - {config.Receivers.Count} receivers");
        output.WriteLine($" - {config.Templates.Count} templates");
        var ok = true;
        if (config.Templates.Count > 0)
        {
            // As amtool: the files are parsed after the built-in templates, as the router loads them.
            try
            {
                RouterTemplates.LoadAsync(path, config.Templates, CancellationToken.None).GetAwaiter().GetResult();
                output.WriteLine("  SUCCESS");
            }
            catch (Exception ex) when (ex is ConfigException or FormatException)
            {
                output.WriteLine($"  FAILED: {(ex is ConfigException { InnerException: { } inner } ? inner.Message : ex.Message)}");
                ok = false;
            }
        }

        output.WriteLine();
        return ok;
    }
}
