using System.CommandLine;
using System.Text.RegularExpressions;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Serverless.Monitoring.Functions.Commands;
using Serverless.Monitoring.Functions.Hosting;
using Serverless.Monitoring.Tests.Fixtures;

namespace Serverless.Monitoring.Tests.Hosting;

/// <summary>
/// The executable's command line, parsed and run in this process (nothing here reaches a point
/// where a server would start: every case is a usage error, help, version, or a parse only).
/// </summary>
public sealed class CommandLineTests
{
    /// <summary>Prometheus's flags we take, and the subcommands: --help must show each.</summary>
    public static TheoryData<string> ListedInHelp =>
    [
        "--config.file", "--web.listen-address", "--web.config.file", "--web.enable-lifecycle", "--web.enable-remote-write-receiver",
        "--storage.tsdb.path", "--storage.tsdb.retention.time", "--storage.tsdb.retention.size",
        "--query.lookback-delta", "--query.timeout", "--query.max-samples", "--help", "--version", "import", "check", "--Section:Key=value",
    ];

    [Theory]
    [MemberData(nameof(ListedInHelp))]
    public async Task Help_lists_every_flag_and_subcommand(string listed)
    {
        var (code, output, error) = await RunAsync("--help");
        Assert.True(code == 0, error);
        Assert.Contains(listed, output, StringComparison.Ordinal);
        Assert.DoesNotContain("--contentRoot", output, StringComparison.Ordinal);
    }

    /// <summary>Every command of the tree, as its path (<c>import openmetrics</c>).</summary>
    public static TheoryData<string> CommandPaths()
    {
        var root = MonitoringCommandLine.Create(new CommandContext(TextWriter.Null, TextWriter.Null));
        var paths = new TheoryData<string>();
        void Walk(Command command, string path)
        {
            paths.Add(path);
            foreach (var sub in command.Subcommands)
            {
                Walk(sub, (path + " " + sub.Name).Trim());
            }
        }

        Walk(root, string.Empty);
        return paths;
    }

    [Theory]
    [MemberData(nameof(CommandPaths))]
    public async Task Each_commands_help_lists_its_flags_arguments_and_subcommands(string path)
    {
        var words = path.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var (code, output, error) = await RunAsync([.. words, "--help"]);
        Assert.True(code == 0, error);

        var root = MonitoringCommandLine.Create(new CommandContext(TextWriter.Null, TextWriter.Null));
        Command command = root;
        var inherited = new List<Option>();
        foreach (var word in words)
        {
            inherited.AddRange(command.Options.Where(o => o.Recursive));
            command = command.Subcommands.Single(c => c.Name == word);
        }

        var expected = command.Options.Concat(inherited).Where(o => !o.Hidden).Select(o => o.Name)
            .Concat(command.Subcommands.Select(c => c.Name))
            .Concat(command.Arguments.Select(a => $"<{a.Name}>"))
            .ToList();
        Assert.NotEmpty(expected);
        Assert.All(expected, name => Assert.Contains(name, output, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Version_prints_in_Prometheus_shape_and_exits_0()
    {
        var (code, output, error) = await RunAsync("--version");
        Assert.True(code == 0, error);
        var lines = output.TrimEnd('\n').Split('\n');
        Assert.Matches(new Regex(@"^Serverless\.Monitoring, version 0\.1\.0 \(branch: \S+, revision: \S+\)$"), lines[0]);
        Assert.Equal(["  build user:       ", "  build date:       ", "  .NET version:     dotnet", "  platform:         "], lines[1..].Select(l => Regex.Match(l, @"^  [^:]+: +(dotnet)?").Value));
        Assert.Matches(new Regex(@"^  platform:         [a-z]+/[a-z0-9]+$"), lines[4]);
    }

    /// <summary>Usage errors: exit 2 and the flag or argument named, before anything starts.</summary>
    [Theory]
    [InlineData(new[] { "--bogus" }, "unknown flag '--bogus'")]
    [InlineData(new[] { "--bogus=1" }, "unknown flag '--bogus'")]
    [InlineData(new[] { "-x" }, "unknown flag '-x'")]
    [InlineData(new[] { "--urls=http://127.0.0.1:1" }, "unknown flag '--urls'")]
    [InlineData(new[] { "--web.listen-address" }, "expected a value for flag '--web.listen-address'")]
    [InlineData(new[] { "--web.listen-address", "--web.enable-lifecycle" }, "expected a value for flag '--web.listen-address', not '--web.enable-lifecycle'")]
    [InlineData(new[] { "--storage.tsdb.path" }, "expected a value for flag '--storage.tsdb.path'")]
    [InlineData(new[] { "--web.enable-lifecycle=maybe" }, "unexpected argument 'maybe'")]
    [InlineData(new[] { "data" }, "unexpected argument 'data'")]
    [InlineData(new[] { "--web.listen-address", "127.0.0.1:1", "extra" }, "unexpected argument 'extra'")]
    [InlineData(new[] { "--Storage:LocalPth=x" }, "unknown flag '--Storage:LocalPth' (the Storage settings are Provider, LocalPath,")]
    [InlineData(new[] { "--Storage:Provider" }, "expected a value for flag '--Storage:Provider'")]
    [InlineData(new[] { "--Logging:LogLevel:Default=Debug" }, "unknown flag '--Logging:LogLevel:Default'")]
    [InlineData(new[] { "--MonitoringStorage=UseDevelopmentStorage=true" }, "unknown flag '--MonitoringStorage'")]
    [InlineData(new[] { "--version", "--bogus" }, "unknown flag '--bogus'")]
    [InlineData(new[] { "--help", "--bogus" }, "unknown flag '--bogus'")]
    [InlineData(new[] { "improt", "openmetrics", "x.om" }, "unexpected argument 'improt'")]
    public async Task Usage_errors_exit_2_naming_the_flag(string[] args, string message)
    {
        var (code, output, error) = await RunAsync(args);
        Assert.True(code == MonitoringCommandLine.UsageError, $"exit {code}: {error}");
        Assert.Contains($"Serverless.Monitoring: error: {message}", error, StringComparison.Ordinal);
        Assert.Contains("--help'.", error, StringComparison.Ordinal);
        Assert.Equal(string.Empty, output);
    }

    /// <summary>What each command line sets, as configuration keys; a flag that is absent sets nothing.</summary>
    [Theory]
    [InlineData(new string[0], new string[0])]
    [InlineData(new[] { "--web.listen-address", "127.0.0.1:1" }, new[] { "Web:ListenAddress=127.0.0.1:1" })]
    [InlineData(new[] { "--web.listen-address=127.0.0.1:1" }, new[] { "Web:ListenAddress=127.0.0.1:1" })]
    [InlineData(new[] { "--storage.tsdb.path", "d", "--web.listen-address", "127.0.0.1:1" }, new[] { "Storage:LocalPath=d", "Web:ListenAddress=127.0.0.1:1" })]
    [InlineData(new[] { "--web.enable-lifecycle", "--web.enable-remote-write-receiver" }, new[] { "Web:EnableLifecycle=true", "Web:EnableRemoteWriteReceiver=true" })]
    [InlineData(new[] { "--web.enable-lifecycle=false" }, new[] { "Web:EnableLifecycle=false" })]
    [InlineData(new[] { "--config.file", "p.yml", "--web.config.file=w.yml" }, new[] { "Scrape:ConfigFile=p.yml", "Web:ConfigFile=w.yml" })]
    [InlineData(new[] { "--storage.tsdb.retention.time=30d", "--storage.tsdb.retention.size", "1GB" }, new[] { "Storage:RetentionSize=1GB", "Storage:RetentionTime=30d" })]
    [InlineData(new[] { "--query.lookback-delta=1m", "--query.timeout=10s", "--query.max-samples=1000" }, new[] { "Query:LookbackDelta=1m", "Query:MaxSamples=1000", "Query:Timeout=10s" })]
    [InlineData(new[] { "--Storage:Provider=AzureStorage", "--Storage:Connection", "Other" }, new[] { "Storage:Connection=Other", "Storage:Provider=AzureStorage" })]
    [InlineData(new[] { "--storage:provider=AzureStorage", "--scrape:enabled=false" }, new[] { "Scrape:Enabled=false", "Storage:Provider=AzureStorage" })]
    [InlineData(new[] { "--Web:ListenAddress=127.0.0.1:2", "--web.listen-address=127.0.0.1:1" }, new[] { "Web:ListenAddress=127.0.0.1:1" })]
    [InlineData(new[] { "--Query:LookbackDelta=1m", "--Scrape:QueueName=q" }, new[] { "Query:LookbackDelta=1m", "Scrape:QueueName=q" })]
    [InlineData(new[] { "import", "openmetrics", "x.om", "--storage.tsdb.path=d" }, new[] { "Storage:LocalPath=d" })]
    [InlineData(new[] { "import", "openmetrics", "x.om", "--storage.tsdb.path", "d", "--Storage:CacheSize=1GB" }, new[] { "Storage:CacheSize=1GB", "Storage:LocalPath=d" })]
    [InlineData(new[] { "import", "openmetrics", "--storage.tsdb.path", "d", "x.om" }, new[] { "Storage:LocalPath=d" })]
    [InlineData(new[] { "--environment=Testing" }, new[] { "environment=Testing" })]
    [InlineData(new[] { "--config.file", "@p.yml" }, new[] { "Scrape:ConfigFile=@p.yml" })]
    public void Flags_and_overrides_map_onto_configuration_keys(string[] args, string[] settings)
    {
        var parsed = MonitoringCommandLine.Parse(args, TextWriter.Null, TextWriter.Null);
        Assert.Empty(parsed.Errors);
        Assert.Equal(settings, parsed.Context.Settings(parsed.Result).Select(s => $"{s.Key}={s.Value}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_positional_file_of_import_is_not_taken_by_a_flag_after_it()
    {
        var parsed = MonitoringCommandLine.Parse(["import", "openmetrics", "x.om", "--no-compact", "--storage.tsdb.path", "d"], TextWriter.Null, TextWriter.Null);
        Assert.Empty(parsed.Errors);
        Assert.Equal("openmetrics", parsed.Result.CommandResult.Command.Name);
        Assert.Equal(["x.om"], parsed.Result.CommandResult.Tokens.Where(t => t.Type == System.CommandLine.Parsing.TokenType.Argument).Select(t => t.Value));
    }

    [Fact]
    public async Task The_settings_reach_the_options_the_host_binds()
    {
        using var work = new TempDirectory("sm-cli-");
        var parsed = MonitoringCommandLine.Parse(
            ["--storage.tsdb.path", work.Path, "--web.enable-lifecycle", "--Scrape:Enabled=false", "--web.listen-address", "127.0.0.1:1"],
            TextWriter.Null,
            TextWriter.Null);
        Assert.Empty(parsed.Errors);
        await using var app = MonitoringHost.Build(parsed.Context.HostArgs(parsed.Result));
        var web = app.Services.GetRequiredService<IOptions<WebOptions>>().Value;
        Assert.Equal("127.0.0.1:1", web.ListenAddress);
        Assert.True(web.EnableLifecycle);
        Assert.False(web.EnableRemoteWriteReceiver);
        Assert.Equal(work.Path, app.Services.GetRequiredService<IOptions<StorageOptions>>().Value.LocalPath);
        Assert.False(app.Services.GetRequiredService<IOptions<ScrapeOptions>>().Value.Enabled);
    }

    private static async Task<(int Code, string Output, string Error)> RunAsync(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();

        // A case that wrongly started the server would not return: fail instead of hanging.
        var code = await MonitoringCommandLine.RunAsync(args, output, error, interactive: false).WaitAsync(TimeSpan.FromSeconds(30));
        return (code, output.ToString(), error.ToString());
    }
}
