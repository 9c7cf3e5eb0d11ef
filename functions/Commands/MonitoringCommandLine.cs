using System.CommandLine;
using System.CommandLine.Invocation;
using System.CommandLine.Parsing;
using Serverless.Monitoring.Functions.Hosting;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// The executable's command line when the Functions host did not start it: the embedded server
/// (the root command, like <c>./prometheus</c>) and subcommands under the same executable
/// (<c>import openmetrics &lt;file&gt;</c>, <c>check config|rules &lt;file&gt;...</c>, <c>test rules &lt;file&gt;...</c>; each further one is one more <c>Create</c> in
/// <see cref="Create"/>). <c>--help</c> and <c>--version</c> print and exit 0; an unknown flag, a
/// flag without its value or a stray argument prints an error naming it and exits 2, before
/// anything starts.
/// </summary>
internal static class MonitoringCommandLine
{
    /// <summary>The exit code of a usage error, the Unix convention (grep, diff, getopt tools); Prometheus's own parser exits 1.</summary>
    public const int UsageError = 2;

    private const string Description =
        "The embedded Prometheus-compatible monitoring server: scrapes the targets of prometheus.yml, stores their samples, "
        + "answers PromQL over the Prometheus HTTP API. Besides the flags below, any setting of the "
        + "Storage, Web, Scrape and Query sections can be given as --Section:Key=value "
        + "(e.g. --Storage:Provider=AzureStorage); connection strings come from the environment or appsettings.json.";

    public static Task<int> RunAsync(string[] args) => RunAsync(args, Console.Out, Console.Error);

    internal static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, bool? interactive = null, CancellationToken cancellationToken = default)
    {
        var parsed = Parse(args, output, error, interactive);
        if (parsed.Errors.Count > 0)
        {
            foreach (var problem in parsed.Errors)
            {
                await error.WriteLineAsync($"{MonitoringHost.ProductName}: error: {problem}");
            }

            await error.WriteLineAsync($"See '{CommandPath(parsed.Result.CommandResult)} --help'.");
            return UsageError;
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,

            // Exceptions keep their stack traces (the host reports configuration errors itself), and
            // SIGINT/SIGTERM stay with the host's own graceful shutdown.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        return await parsed.Result.InvokeAsync(invocation, cancellationToken);
    }

    /// <summary>Parses without running anything: the result, the context its commands run with, and every usage error.</summary>
    internal static ParsedCommandLine Parse(string[] args, TextWriter output, TextWriter error, bool? interactive = null)
    {
        ArgumentNullException.ThrowIfNull(args);
        var overrides = SettingOverrides.Extract(args);
        var context = new CommandContext(output, error, overrides.Settings, interactive);

        // No @file response files: an argument starting with @ is a name, as in Prometheus.
        var result = Create(context).Parse(overrides.Rest, new ParserConfiguration { ResponseFileTokenReplacer = null });

        // Our own words for what the parser did not match (as Prometheus's "unknown long flag"); its
        // generic error for the same token is dropped. Help and version clear parse errors, not these.
        var unmatched = result.UnmatchedTokens;
        List<string> errors = [.. overrides.Errors];
        errors.AddRange(unmatched.Select(token => token.StartsWith('-') ? $"unknown flag '{token.Split('=')[0]}'" : $"unexpected argument '{token}'"));
        errors.AddRange(result.Errors
            .Where(e => !unmatched.Any(token => e.Message.Contains($"'{token}'", StringComparison.Ordinal)))
            .Select(Describe));
        return new ParsedCommandLine(result, context, errors);
    }

    /// <summary>The whole command tree, its actions bound to <paramref name="context"/>.</summary>
    internal static RootCommand Create(CommandContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var root = new RootCommand(Description);
        root.Directives.Clear();
        foreach (var flag in context.Flags)
        {
            root.Options.Add(flag.Option);
        }

        root.Options.OfType<VersionOption>().Single().Action = new PrintVersion();
        root.SetAction((parseResult, _) => RunServerAsync(context.HostArgs(parseResult)));

        root.Subcommands.Add(ImportCommand.Create(context));
        root.Subcommands.Add(CheckCommand.Create(context));
        root.Subcommands.Add(TestCommand.Create(context));

        return root;
    }

    private static async Task<int> RunServerAsync(string[] hostArgs)
    {
        var app = MonitoringHost.Build(hostArgs);
        app.UseMonitoringHost();
        return await app.RunMonitoringHostAsync();
    }

    private static string Describe(ParseError error) => error.SymbolResult switch
    {
        OptionResult { Tokens.Count: 0 } option => $"expected a value for flag '{option.Option.Name}'",
        ArgumentResult { Tokens.Count: 0 } argument => $"expected the argument <{argument.Argument.Name}>",
        CommandResult { Command: { Action: null, Subcommands.Count: > 0 } command } =>
            $"'{command.Name}' expects a command: {string.Join(", ", command.Subcommands.Select(c => c.Name))}",
        _ => error.Message,
    };

    /// <summary>The words that run <paramref name="command"/>, from the executable's name on, for <c>See '… --help'</c>.</summary>
    internal static string CommandPath(CommandResult command)
    {
        var names = new List<string>();
        for (SymbolResult? result = command; result is not null; result = result.Parent)
        {
            if (result is CommandResult c)
            {
                names.Insert(0, c.Command.Name);
            }
        }

        return string.Join(' ', names);
    }

    private sealed class PrintVersion : SynchronousCommandLineAction
    {
        public override int Invoke(ParseResult parseResult)
        {
            parseResult.InvocationConfiguration.Output.Write(VersionText.Format(BuildInfo.Current));
            return 0;
        }
    }
}
