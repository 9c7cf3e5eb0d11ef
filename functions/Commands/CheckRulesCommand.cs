using System.CommandLine;
using Serverless.Monitoring.Core.Rules;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>check rules [--lint=…] [--lint-fatal] RULE-FILE...</c>: <c>promtool check rules</c>. Each
/// file is parsed as the server parses rule files (Prometheus 3's checks, UTF-8 names), then
/// linted for rules that share name and labels.
/// </summary>
internal static class CheckRulesCommand
{
    public static Command Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var files = CheckCommand.Files("rule-files", "The rule files to check.");
        var lint = CheckCommand.LintOption(LintSettings.Description);
        var lintFatal = CheckCommand.LintFatalOption();
        var command = new Command("rules", "Check if the rule files are valid or not.") { files, lint, lintFatal };
        command.SetAction(parseResult =>
        {
            var paths = parseResult.GetRequiredValue(files);
            if (!CheckCommand.AllExist(paths, parseResult, context.Error))
            {
                return MonitoringCommandLine.UsageError;
            }

            var settings = LintSettings.Parse(parseResult.GetValue(lint), parseResult.GetValue(lintFatal), context.Output);
            var check = new RuleFileCheck(context.Output, context.Error, settings, new RuleFileOptions { ValidateTemplate = RuleTemplateCheck.Validate });
            var outcome = CheckOutcome.Success;
            foreach (var path in paths)
            {
                outcome = outcome.And(check.Check(path, indent: string.Empty));
            }

            return outcome.ExitCode(settings);
        });
        return command;
    }
}
