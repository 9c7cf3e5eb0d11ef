using System.CommandLine;
using Serverless.Monitoring.Core.Alerting.Config;
using Serverless.Monitoring.Core.Alerting.Matchers;
using Serverless.Monitoring.Core.Alerting.Routing;
using Serverless.Monitoring.Core.Config;
using Serverless.Monitoring.Core.Model;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// <c>test routes --config.file=FILE [--tree] [--verify.receivers=a,b] label=value...</c>:
/// <c>amtool config routes test</c> (0.25). Prints the receivers the label set routes to, comma
/// separated, in tree order; with <c>--tree</c> the matching routes first. Exit 1 when the config
/// does not load, a label is not <c>name=value</c>, or the receivers differ from
/// <c>--verify.receivers</c>.
/// </summary>
internal static class TestRoutesCommand
{
    public static Command Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var configFile = new Option<string>("--config.file") { Description = "Config file to be tested.", Required = true, HelpName = "file" };
        var verify = new Option<string>("--verify.receivers")
        {
            Description = "Checks if specified receivers matches resolved receivers. The command fails if the labelset does not route to the specified receivers.",
            HelpName = "receivers",
        };
        var tree = new Option<bool>("--tree") { Description = "Prints out matching routes tree." };
        var labels = new Argument<string[]>("labels") { Description = "List of labels to be tested against the configured routes.", Arity = ArgumentArity.ZeroOrMore };
        var command = new Command("routes", "Test alert routing, as amtool config routes test does.") { configFile, verify, tree, labels };
        command.SetAction(parseResult =>
        {
            var path = parseResult.GetRequiredValue(configFile);
            if (!CheckCommand.AllExist([path], parseResult, context.Error))
            {
                return MonitoringCommandLine.UsageError;
            }

            AlertmanagerConfiguration config;
            try
            {
                config = AlertmanagerConfiguration.LoadFile(path);
            }
            catch (ConfigException ex)
            {
                context.Error.WriteLine($"{Hosting.MonitoringHost.ProductName}: error: {ex.Message}");
                return CheckOutcome.FailureExitCode;
            }

            LabelSet labelSet;
            try
            {
                labelSet = ParseLabels(parseResult.GetValue(labels) ?? []);
            }
            catch (FormatException ex)
            {
                context.Error.WriteLine($"{Hosting.MonitoringHost.ProductName}: error: Failed to parse labels: {ex.Message}");
                context.Error.WriteLine();
                return CheckOutcome.FailureExitCode;
            }

            var root = Core.Alerting.Routing.Route.Build(config.Route);
            if (parseResult.GetValue(tree))
            {
                context.Output.WriteLine("Matching routes:");
                context.Output.WriteLine(RouteTreePrinter.MatchingTree(root, labelSet));
                context.Output.WriteLine();
            }

            var receivers = string.Join(',', root.Match(labelSet).Select(r => r.Options.Receiver));
            context.Output.WriteLine(receivers);
            var expected = parseResult.GetValue(verify);
            if (!string.IsNullOrEmpty(expected) && expected != receivers)
            {
                context.Output.WriteLine("WARNING: Expected receivers did not match resolved receivers.");
                return CheckOutcome.FailureExitCode;
            }

            return 0;
        });
        return command;
    }

    // amtool's parseLabels: each argument a classic matcher that must be an equality; a later one wins.
    private static LabelSet ParseLabels(IEnumerable<string> arguments)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var argument in arguments)
        {
            var m = AlertmanagerMatchers.ParseOne(argument, MatcherSyntax.Classic);
            if (m.Type != LabelMatchType.Equal)
            {
                throw new FormatException("labels must be specified as key=value pairs");
            }

            map[m.Name] = m.Value;
        }

        return LabelSet.FromDictionary(map);
    }
}
