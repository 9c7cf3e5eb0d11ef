using System.CommandLine;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// What every command of one run shares: where it writes, the setting flags of its command tree,
/// and the <c>--Section:Key=value</c> overrides taken from the arguments before parsing.
/// </summary>
internal sealed class CommandContext
{
    private readonly bool? _interactive;

    public CommandContext(TextWriter output, TextWriter error, IReadOnlyDictionary<string, string>? overrides = null, bool? interactive = null)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        Output = output;
        Error = error;
        Overrides = overrides ?? new Dictionary<string, string>();
        _interactive = interactive;
    }

    public TextWriter Output { get; }

    public TextWriter Error { get; }

    public IReadOnlyDictionary<string, string> Overrides { get; }

    public IReadOnlyList<SettingFlag> Flags { get; } = SettingFlags.Create();

    /// <summary>Whether <see cref="Output"/> is a terminal (progress redrawn in place) unless the caller said.</summary>
    public bool Interactive => _interactive ?? (ReferenceEquals(Output, Console.Out) && !Console.IsOutputRedirected);

    /// <summary>
    /// The configuration the command line sets, keyed as in appsettings.json: the overrides, then the
    /// flags that were given (a flag wins over an override of the same key).
    /// </summary>
    public IReadOnlyDictionary<string, string> Settings(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        var settings = new Dictionary<string, string>(Overrides, StringComparer.OrdinalIgnoreCase);
        foreach (var flag in Flags)
        {
            if (flag.ValueIn(parseResult) is { } value)
            {
                settings[flag.Key] = value;
            }
        }

        return settings;
    }

    /// <summary><see cref="Settings"/> as the host's arguments (<c>--Web:ListenAddress=…</c>), for <c>MonitoringHost.Build</c>.</summary>
    public string[] HostArgs(ParseResult parseResult) => [.. Settings(parseResult).Select(s => $"--{s.Key}={s.Value}")];
}
