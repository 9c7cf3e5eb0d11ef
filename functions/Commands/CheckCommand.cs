using System.CommandLine;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>check config FILE...</c> and <c>check rules FILE...</c>: promtool's checks under our
/// executable, with its flags, output and exit codes (0 valid, 1 invalid, 3 lint problems with
/// <c>--lint-fatal</c>). Usage mistakes, a missing file among them, exit 2 as our other commands do.
/// </summary>
internal static class CheckCommand
{
    public const string Name = "check";

    public static Command Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return new Command(Name, "Check the resources for validity, as promtool check does: check config <config-files>..., check rules <rule-files>..., check alertmanager-config <config-files>...")
        {
            CheckConfigCommand.Create(context),
            CheckRulesCommand.Create(context),
            CheckAlertmanagerConfigCommand.Create(context),
        };
    }

    /// <summary>The files as an argument of one or more paths.</summary>
    public static Argument<string[]> Files(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.OneOrMore,
    };

    public static Option<string> LintOption(string description) => new("--lint")
    {
        Description = description,
        HelpName = "checks",
        DefaultValueFactory = _ => LintSettings.DefaultValue,
    };

    public static Option<bool> LintFatalOption() => new("--lint-fatal") { Description = LintSettings.FatalDescription };

    /// <summary>
    /// promtool's check that every argument is an existing file (kingpin's <c>ExistingFiles</c>), as
    /// a usage error: the message, and false.
    /// </summary>
    public static bool AllExist(IEnumerable<string> paths, ParseResult parseResult, TextWriter error)
    {
        ArgumentNullException.ThrowIfNull(paths);
        ArgumentNullException.ThrowIfNull(parseResult);
        ArgumentNullException.ThrowIfNull(error);
        foreach (var path in paths)
        {
            // The argument takes any token, so a flag we do not know arrives here as a path.
            var problem = Directory.Exists(path) ? $"'{path}' is a directory"
                : File.Exists(path) ? null
                : path.StartsWith('-') ? $"unknown flag '{path.Split('=')[0]}'"
                : $"path '{path}' does not exist";
            if (problem is not null)
            {
                error.WriteLine($"{MonitoringHost.ProductName}: error: {problem}");
                error.WriteLine($"See '{MonitoringCommandLine.CommandPath(parseResult.CommandResult)} --help'.");
                return false;
            }
        }

        return true;
    }
}
