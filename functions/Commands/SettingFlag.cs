using System.CommandLine;

namespace Serverless.Monitoring.Functions.Commands;

/// <summary>
/// A command-line flag that sets one configuration key (e.g. <c>--storage.tsdb.path</c> sets
/// <c>Storage:LocalPath</c>), so that the same setting can also come from appsettings.json or the
/// environment and the options classes bind it in one place.
/// </summary>
internal sealed class SettingFlag
{
    private readonly Func<ParseResult, string?> _value;

    private SettingFlag(Option option, string key, Func<ParseResult, string?> value)
    {
        Option = option;
        Key = key;
        _value = value;
    }

    public Option Option { get; }

    /// <summary>The configuration key, e.g. <c>Web:ListenAddress</c>.</summary>
    public string Key { get; }

    /// <summary>A flag with a value (<c>--flag value</c> or <c>--flag=value</c>).</summary>
    /// <param name="everyCommand">Whether subcommands take it too (the storage flags: <c>import</c> writes where the server reads).</param>
    public static SettingFlag Value(string name, string key, string helpName, string description, bool everyCommand = false)
    {
        var option = new Option<string>(name) { Description = description, HelpName = helpName, Recursive = everyCommand };

        // `--web.listen-address --web.enable-lifecycle` would otherwise take the next flag as the
        // address: a flag missing its value is an error, as in Prometheus.
        option.Validators.Add(result =>
        {
            if (result.Tokens is [{ Value: var value }] && value.Length > 1 && value[0] == '-')
            {
                result.AddError($"expected a value for flag '{name}', not '{value}'");
            }
        });
        return new SettingFlag(option, key, parseResult => parseResult.GetValue(option));
    }

    /// <summary>A switch: given alone it is true; <c>--flag=false</c> says false.</summary>
    public static SettingFlag Switch(string name, string key, string description)
    {
        var option = new Option<bool>(name) { Description = description };
        return new SettingFlag(option, key, parseResult => parseResult.GetValue(option) ? "true" : "false");
    }

    /// <summary>Accepted but not listed in --help (the generic host's own switches).</summary>
    public static SettingFlag Hidden(string name, string key)
    {
        var option = new Option<string>(name) { Hidden = true };
        return new SettingFlag(option, key, parseResult => parseResult.GetValue(option));
    }

    /// <summary>The value the command line gives, or null when the flag is absent (configuration then stands).</summary>
    public string? ValueIn(ParseResult parseResult)
    {
        ArgumentNullException.ThrowIfNull(parseResult);
        return parseResult.GetResult(Option) is { Implicit: false } ? _value(parseResult) : null;
    }
}
