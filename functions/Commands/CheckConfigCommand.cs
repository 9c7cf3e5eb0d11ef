using System.CommandLine;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Rules;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>check config [--syntax-only] [--lint=…] [--lint-fatal] CONFIG-FILE...</c>: <c>promtool check
/// config</c>. Each <c>prometheus.yml</c> is loaded as the server loads it; then (unless
/// <c>--syntax-only</c>) its <c>rule_files</c> are expanded relative to its directory (a named
/// file that does not exist fails the config) and every rule file is checked as
/// <c>check rules</c> does, with the config's name validation scheme; the other files it refers
/// to are checked as promtool does (<see cref="ConfigReferencedFiles"/>).
/// </summary>
internal static class CheckConfigCommand
{
    // promtool prints a rule file's problems with Println("    ", err): five spaces.
    private const string RuleErrorIndent = "     ";

    public static Command Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var files = CheckCommand.Files("config-files", "The config files to check.");
        var syntaxOnly = new Option<bool>("--syntax-only")
        {
            Description = "Only check the config file syntax, ignoring file and content validation referenced in the config",
        };
        var lint = CheckCommand.LintOption(
            "Linting checks to apply to the rules specified in the config. Available options are: all, duplicate-rules, none. Use --lint=none to disable linting");
        var lintFatal = CheckCommand.LintFatalOption();
        var command = new Command("config", "Check if the config files are valid or not.") { files, syntaxOnly, lint, lintFatal };
        command.SetAction(parseResult =>
        {
            var paths = parseResult.GetRequiredValue(files);
            if (!CheckCommand.AllExist(paths, parseResult, context.Error))
            {
                return MonitoringCommandLine.UsageError;
            }

            var settings = LintSettings.Parse(parseResult.GetValue(lint), parseResult.GetValue(lintFatal), context.Output);
            var outcome = CheckOutcome.Success;
            foreach (var path in paths)
            {
                outcome = outcome.And(Check(path, parseResult.GetValue(syntaxOnly), settings, context));
            }

            return outcome.ExitCode(settings);
        });
        return command;
    }

    private static CheckOutcome Check(string path, bool syntaxOnly, LintSettings lint, CommandContext context)
    {
        var (output, error) = (context.Output, context.Error);
        output.WriteLine($"Checking {path}");
        PrometheusConfig config;
        List<string> ruleFiles;
        try
        {
            config = PrometheusConfig.LoadFile(path);
            ruleFiles = syntaxOnly ? [] : ResolveRuleFiles(path, config);
            if (!syntaxOnly)
            {
                ConfigReferencedFiles.Check(path, config, resolved => AsNamed(path, resolved), output);
            }
        }
        catch (ConfigException ex)
        {
            error.WriteLine($"  FAILED: {ex.Message}");
            output.WriteLine();
            return new CheckOutcome(Failed: true, HasErrors: true);
        }

        if (ruleFiles.Count > 0)
        {
            output.WriteLine($"  SUCCESS: {ruleFiles.Count} rule files found");
        }

        output.WriteLine($" SUCCESS: {path} is valid prometheus config file syntax");
        output.WriteLine();

        var check = new RuleFileCheck(output, error, lint, RuleFileOptions.For(config));
        var outcome = CheckOutcome.Success;
        foreach (var ruleFile in ruleFiles)
        {
            outcome = outcome.And(check.Check(ruleFile, RuleErrorIndent));
        }

        return outcome;
    }

    /// <summary>
    /// promtool's expansion: every pattern's matches in order (a file matched twice is checked
    /// twice); a pattern without <c>*</c> that matches nothing is an error.
    /// </summary>
    private static List<string> ResolveRuleFiles(string configPath, PrometheusConfig config)
    {
        var files = new List<string>();
        for (var i = 0; i < config.RuleFiles.Count; i++)
        {
            var pattern = config.RuleFiles[i];
            var field = $"rule_files[{i}]";
            IReadOnlyList<string> matches;
            try
            {
                matches = FilePathGlob.Expand(pattern);
            }
            catch (FormatException ex)
            {
                throw new ConfigException(configPath, 0, 0, field, ex.Message, ex);
            }

            if (!pattern.Contains('*', StringComparison.Ordinal) && matches.Count == 0)
            {
                throw new ConfigException(configPath, 0, 0, field, $"\"{AsNamed(configPath, pattern)}\" does not point to an existing file");
            }

            files.AddRange(matches.Select(m => AsNamed(configPath, m)));
        }

        return files;
    }

    /// <summary>
    /// A rule file as upstream names it: joined to the config file's directory as the config was
    /// named (relative when it was), where our config holds the absolute path.
    /// </summary>
    private static string AsNamed(string configPath, string resolved)
    {
        if (Path.IsPathRooted(configPath))
        {
            return resolved;
        }

        var directory = Path.GetFullPath(Path.GetDirectoryName(Path.GetFullPath(configPath))!);
        var prefix = directory.EndsWith(Path.DirectorySeparatorChar) ? directory : directory + Path.DirectorySeparatorChar;
        return resolved.StartsWith(prefix, StringComparison.Ordinal)
            ? Path.Join(Path.GetDirectoryName(configPath), resolved[prefix.Length..])
            : resolved;
    }
}
