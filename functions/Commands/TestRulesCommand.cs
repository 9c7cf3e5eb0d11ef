using System.CommandLine;
using Serverless.Monitoring.Core.PromQL;
using Serverless.Monitoring.Core.Rules.Testing;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>test rules [--enable-feature=…] TEST-FILE...</c>: <c>promtool test rules</c> (2.42's output
/// and exit codes). Per file, on standard output <c>Unit Testing:  FILE</c>, then <c>  SUCCESS</c>,
/// or (on standard error) <c>  FAILED:</c> and each failure, each followed by a blank line on
/// standard output; a blank line ends the file. Exit 1 when any file failed, else 0; a file that
/// does not exist is a usage error (exit 2, as our other commands).
/// </summary>
internal static class TestRulesCommand
{
    private const string FeatureFlag = "--enable-feature";

    public static Command Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var files = CheckCommand.Files("test-rule-file", "The unit test file.");
        var features = new Option<string[]>(FeatureFlag)
        {
            Description = "Comma separated feature names to enable (accepted for promtool's sake; PromQL features are always on).",
            HelpName = "features",
            Arity = ArgumentArity.OneOrMore,
        };
        var command = new Command("rules", "Unit tests for rules.") { files, features };
        command.SetAction(async (parseResult, cancellationToken) =>
        {
            var paths = parseResult.GetRequiredValue(files);
            if (!CheckCommand.AllExist(paths, parseResult, context.Error))
            {
                return MonitoringCommandLine.UsageError;
            }

            WarnAboutFeatures(parseResult.GetValue(features) ?? [], context.Output);
            var runner = new RuleTestRunner();
            var failed = false;
            foreach (var path in paths)
            {
                failed |= !await RunAsync(runner, path, context, cancellationToken);
            }

            return failed ? CheckOutcome.FailureExitCode : 0;
        });
        return command;
    }

    private static async Task<bool> RunAsync(RuleTestRunner runner, string path, CommandContext context, CancellationToken cancellationToken)
    {
        await context.Output.WriteLineAsync($"Unit Testing:  {path}");
        var result = await runner.RunFileAsync(path, cancellationToken);
        foreach (var warning in result.Warnings)
        {
            await context.Error.WriteLineAsync(warning);
        }

        if (result.Passed)
        {
            await context.Output.WriteLineAsync("  SUCCESS");
        }
        else
        {
            await context.Error.WriteLineAsync("  FAILED:");
            foreach (var error in result.Errors)
            {
                await context.Error.WriteLineAsync(error);
                await context.Output.WriteLineAsync();
            }
        }

        await context.Output.WriteLineAsync();
        return result.Passed;
    }

    /// <summary>promtool's words for the features it was asked for: every PromQL feature 2.42 knows is on already.</summary>
    private static void WarnAboutFeatures(IEnumerable<string> values, TextWriter output)
    {
        foreach (var feature in values.SelectMany(v => v.Split(',')))
        {
            switch (feature)
            {
                case "" or "no-default-scrape-port":
                    break;
                case "promql-at-modifier" or "promql-negative-offset":
                    output.WriteLine($"  WARNING: Option for {FeatureFlag} is a no-op after promotion to a stable feature: {Printer.GoQuote(feature)}");
                    break;
                default:
                    output.WriteLine($"  WARNING: Unknown option for {FeatureFlag}: {Printer.GoQuote(feature)}");
                    break;
            }
        }
    }
}
